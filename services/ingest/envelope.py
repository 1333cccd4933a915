"""The envelope checks: pure functions over one decoded item, no I/O.

Only the CloudEvents envelope is judged here; the data's content is the quality service's job, so that a
record with a bad field still reaches the pipe and is quarantined with its reasons instead of vanishing at the
door.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeGuard

from satudata.events import DATACONTENTTYPE, SPECVERSION, feed_for_type

# RFC 3339 section 5.6, strict: a full date, "T", a full time and a mandatory offset. fromisoformat alone
# would also take a bare date or a time without an offset, which leaves the instant ambiguous.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII)
_DESA_CODE = re.compile(r"\d{10}", re.ASCII)


@dataclass(frozen=True, slots=True)
class Violation:
    pointer: str  # JSON pointer into the item, as in RFC 9457's own example of an "errors" member
    detail_id: str
    detail_en: str

    def to_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "detail": f"{self.detail_id} / {self.detail_en}"}


Rule = Callable[[Mapping[str, Any]], Violation | None]


def _present(event: Mapping[str, Any], name: str) -> bool:
    # The CloudEvents JSON format treats an attribute set to null as absent.
    return event.get(name) is not None


def _nonempty_str(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def check_specversion(event: Mapping[str, Any]) -> Violation | None:
    if event.get("specversion") == SPECVERSION:
        return None
    return Violation("/specversion", f"harus {SPECVERSION!r}", f"must be {SPECVERSION!r}")


def check_id(event: Mapping[str, Any]) -> Violation | None:
    if _nonempty_str(event.get("id")):
        return None
    return Violation("/id", "harus teks yang tidak kosong", "must be a non-empty string")


def check_source(event: Mapping[str, Any]) -> Violation | None:
    if _nonempty_str(event.get("source")):
        return None
    return Violation("/source", "harus teks yang tidak kosong", "must be a non-empty string")


def check_type(event: Mapping[str, Any]) -> Violation | None:
    value = event.get("type")
    if isinstance(value, str) and feed_for_type(value) is not None:
        return None
    return Violation("/type", "jenis kejadian tidak dikenal", "unknown event type")


def check_time(event: Mapping[str, Any]) -> Violation | None:
    value = event.get("time")
    if is_rfc3339(value):
        return None
    return Violation("/time", "harus cap waktu RFC 3339 dengan zona", "must be an RFC 3339 timestamp with offset")


def check_data(event: Mapping[str, Any]) -> Violation | None:
    if isinstance(event.get("data"), dict):
        return None
    return Violation("/data", "harus objek JSON", "must be a JSON object")


def check_subject(event: Mapping[str, Any]) -> Violation | None:
    if not _present(event, "subject") or is_desa_code(event["subject"]):
        return None
    return Violation("/subject", "harus kode desa 10 angka", "must be a 10-digit desa code")


def check_datacontenttype(event: Mapping[str, Any]) -> Violation | None:
    if not _present(event, "datacontenttype"):
        return None
    value = event["datacontenttype"]
    if isinstance(value, str) and value.split(";", 1)[0].strip().lower() == DATACONTENTTYPE:
        return None
    return Violation("/datacontenttype", f"harus {DATACONTENTTYPE!r}", f"must be {DATACONTENTTYPE!r}")


RULES: tuple[Rule, ...] = (
    check_specversion,
    check_id,
    check_source,
    check_type,
    check_time,
    check_data,
    check_subject,
    check_datacontenttype,
)


def check_envelope(item: Any) -> list[Violation]:
    """Every failed rule of one item (empty when valid), so that a sender fixes them all at once."""
    if not isinstance(item, dict):
        return [Violation("", "butir harus objek JSON", "item must be a JSON object")]
    return [v for rule in RULES if (v := rule(item)) is not None]


def is_rfc3339(value: Any) -> bool:
    if not isinstance(value, str) or _RFC3339.fullmatch(value) is None:
        return False
    try:
        datetime.fromisoformat(value.upper())  # rejects 2025-02-30 or 25:00 that the pattern lets through
    except ValueError:
        return False
    return True


def is_desa_code(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and _DESA_CODE.fullmatch(value) is not None


def event_id_of(item: Any) -> str | None:
    """The item's id when it has a usable one, for reporting a refused item."""
    if isinstance(item, dict) and _nonempty_str(item.get("id")):
        return item["id"]
    return None
