"""Reading the data files that ship inside the package (never from outside it)."""

from __future__ import annotations

from importlib import resources

import polars as pl


def read_bytes(name: str) -> bytes:
    return resources.files("satudata.regions").joinpath("data", name).read_bytes()


def read_csv(name: str, **kwargs: object) -> pl.DataFrame:
    # Every column arrives as text unless the caller says otherwise: codes must stay exactly as written.
    return pl.read_csv(read_bytes(name), infer_schema=False, **kwargs)  # type: ignore[arg-type]
