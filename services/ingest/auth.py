"""Who publishes: the `X-API-Key` header of ingest's routes, documented in OpenAPI as a security scheme."""

from __future__ import annotations

from typing import Annotated

from fastapi import Security
from fastapi.security import APIKeyHeader

from satudata.access.problems import HEADER

_api_key = APIKeyHeader(
    name=HEADER,
    auto_error=False,
    scheme_name="ApiKey",
    description="Kunci publisher instansi (atau admin) / the agency's publisher (or an admin) key",
)
# Read without refusing: satudata.access.problems.authenticate answers a missing key with our own problem+json 401.
ApiKeyHeader = Annotated[str | None, Security(_api_key)]
