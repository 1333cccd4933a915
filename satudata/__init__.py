"""Satu Data NTT: the kernel shared by every service (domain and adapters; it never imports services/)."""

__version__ = "0.1.0"
