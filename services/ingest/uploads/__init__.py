"""Uploads: CSV or XLSX files as agencies keep them → one CloudEvent per convertible row on the raw topic,
each id published once (see README.md in services/ingest)."""

from services.ingest.uploads.ports import Ledger, LedgerUnavailableError
from services.ingest.uploads.reader import Sheet, UnreadableFileError, read_sheet
from services.ingest.uploads.service import PublishFailedError, Uploader, UploadReport

__all__ = [
    "Ledger",
    "LedgerUnavailableError",
    "PublishFailedError",
    "Sheet",
    "UnreadableFileError",
    "UploadReport",
    "Uploader",
    "read_sheet",
]
