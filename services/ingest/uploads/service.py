"""The upload use case: a sheet → records → the ids not yet published → the raw topic, then the ledger.

Shared by the HTTP endpoint and `satudata publish --kafka`, so both publish the same ids and honour one ledger.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, islice
from typing import Any

import orjson

from satudata.events import feed, make_event
from satudata.logs import get_logger
from services.ingest.ports import Publisher
from services.ingest.service import kafka_key
from services.ingest.uploads.mapping import ColumnPlan, MissingColumnsError, plan_columns
from services.ingest.uploads.ports import Ledger, LedgerUnavailableError
from services.ingest.uploads.reader import Sheet
from services.ingest.uploads.rows import Record, RowProblem, convert_rows

log = get_logger(__name__)

CHUNK_ROWS = 2000
HEADER_SEARCH_ROWS = 10


class PublishFailedError(RuntimeError):
    """The broker did not confirm a chunk; `report` holds what was confirmed before it."""

    def __init__(self, report: UploadReport) -> None:
        super().__init__("publish not confirmed")
        self.report = report


@dataclass
class UploadReport:
    feed: str
    source: str
    rows: int = 0
    published: int = 0
    already_published: int = 0
    refused: list[RowProblem] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)  # of every convertible row, in row order
    ignored_columns: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "source": self.source,
            "rows": self.rows,
            "published": self.published,
            "already_published": self.already_published,
            "refused": [p.to_dict() for p in self.refused],
            "event_ids": self.event_ids,
            "ignored_columns": self.ignored_columns,
        }


class Uploader:
    """One per process: its lock makes "not yet published → publish → remember" atomic, so two uploads of the
    same file at once cannot both publish a row."""

    def __init__(self, publisher: Publisher, ledger: Ledger, *, chunk_rows: int = CHUNK_ROWS) -> None:
        self.publisher = publisher
        self.ledger = ledger
        self.chunk_rows = chunk_rows
        self._lock = threading.Lock()

    def upload(
        self, feed_name: str, source: str, sheet: Sheet, on_progress: Callable[[int], None] | None = None
    ) -> UploadReport:
        """Raises MissingColumnsError / AmbiguousColumnsError before publishing anything, LedgerUnavailableError
        when the ledger cannot be read, PublishFailedError when the broker does not confirm a chunk."""
        target = feed(feed_name)
        plan, sheet = plan_sheet(feed_name, sheet)
        report = UploadReport(feed_name, source, ignored_columns=plan.ignored)
        seen_in_file: set[str] = set()
        with self._lock:
            for chunk in _chunks(sheet.rows, self.chunk_rows):
                records, problems = convert_rows(plan, source, chunk)
                report.rows += len(chunk)
                report.refused.extend(problems)
                report.event_ids.extend(r.event_id for r in records)
                fresh = self._fresh(records, seen_in_file)
                report.already_published += len(records) - len(fresh)
                if fresh:
                    self._publish(target.name, source, fresh, report)
                    report.published += len(fresh)
                if on_progress is not None:
                    on_progress(len(chunk))
        log.info(
            "ingest.upload_done",
            feed=feed_name,
            rows=report.rows,
            published=report.published,
            already_published=report.already_published,
            refused_cells=len(report.refused),
        )
        return report

    def _fresh(self, records: list[Record], seen_in_file: set[str]) -> list[Record]:
        try:
            known = self.ledger.known(r.event_id for r in records)
        except LedgerUnavailableError:
            raise
        except Exception as exc:
            raise LedgerUnavailableError(type(exc).__name__) from exc
        fresh = []
        for record in records:
            # An identical row twice in one file is one record: the second counts as already published.
            if record.event_id not in known and record.event_id not in seen_in_file:
                fresh.append(record)
            seen_in_file.add(record.event_id)
        return fresh

    def _publish(self, feed_name: str, source: str, records: list[Record], report: UploadReport) -> None:
        target = feed(feed_name)
        messages = []
        for record in records:
            event = make_event(feed_name, record.data, source=source, event_id=record.event_id)
            messages.append((target.raw_topic, kafka_key(event), orjson.dumps(event)))
        try:
            self.publisher.publish(messages)
        except Exception as exc:
            # Whatever failed, these are not known to be stored; the ledger must not claim them.
            log.warning(
                "ingest.upload_publish_failed", feed=feed_name, messages=len(messages), error=type(exc).__name__
            )
            raise PublishFailedError(report) from exc
        at = datetime.now(UTC).isoformat()
        note = orjson.dumps({"feed": feed_name, "source": source, "published_at": at})
        try:
            self.ledger.remember([(r.event_id, note) for r in records])
        except Exception as exc:
            # Published but not recorded: a retry publishes these ids again, which downstream deduplicates.
            log.warning("ingest.upload_ledger_failed", feed=feed_name, ids=len(records), error=type(exc).__name__)
            raise PublishFailedError(report) from exc


def plan_sheet(feed_name: str, sheet: Sheet) -> tuple[ColumnPlan, Sheet]:
    """The column plan and the sheet starting below its header row.

    Report templates often put a title or the unit's name above the table, so when the first row is not a
    header, the next few rows are tried; if none is, the first row's error stands (it names what is missing).
    """
    try:
        return plan_columns(feed_name, sheet.header), sheet
    except MissingColumnsError as first_error:
        looked_at = list(islice(sheet.rows, HEADER_SEARCH_ROWS))
        for position, (_, cells) in enumerate(looked_at):
            try:
                plan = plan_columns(feed_name, cells)
            except MissingColumnsError:
                continue
            rest = chain(looked_at[position + 1 :], sheet.rows)
            return plan, Sheet(cells, rest, max(sheet.total_rows - position - 1, 0), sheet.kind)
        raise first_error from None


def _chunks(rows: Iterator[tuple[int, list[Any]]], size: int) -> Iterator[list[tuple[int, list[Any]]]]:
    while chunk := list(islice(rows, size)):
        yield chunk
