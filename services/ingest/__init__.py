"""ingest: the HTTP door to the raw topics for agencies that cannot speak Kafka. Envelope checks only."""

from services.ingest.app import create_app
from services.ingest.ports import Message, Publisher

__all__ = ["Message", "Publisher", "create_app"]
