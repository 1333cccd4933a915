"""The API service: ClickHouse → JSON (indicators with region roll-ups and series, regions, health)."""

from services.api.app import create_app

__all__ = ["create_app"]
