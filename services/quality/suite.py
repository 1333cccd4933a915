"""Finding and reading a feed's contract file, without Great Expectations (importing GX takes seconds).

Contracts ship with the code: in a checkout (and an editable install) they are the repository's contracts/
folder; a wheel carries the same folder as services/quality/contracts (pyproject's force-include). A setting
(SATUDATA_QUALITY__CONTRACTS_DIR) may point anywhere else, e.g. a mounted ConfigMap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from satudata.events import Feed
from services.quality.reasons import SEVERITY_FROM_GX, Reason

_HERE = Path(__file__).resolve().parent
# A wheel's copy first, then the checkout's: whichever exists beside the code that is running.
_SHIPPED = (_HERE / "contracts", _HERE.parents[1] / "contracts")


class ContractError(RuntimeError):
    """A contract that cannot be used as written; the service refuses to start rather than judge wrongly."""


@dataclass(frozen=True, slots=True)
class ContractFile:
    feed: Feed
    path: Path
    suite: dict[str, Any]  # the ExpectationSuite JSON as written
    reasons: tuple[Reason, ...]  # one per expectation, in file order

    @property
    def name(self) -> str:
        """'child_measurement/v1', as clean and quarantine messages name their contract."""
        return f"{self.feed.name}/v{self.feed.version}"


def contracts_dir(configured: Path | None = None) -> Path:
    if configured is not None:
        if not configured.is_dir():
            raise ContractError(
                f"Folder kontrak {configured} tidak ada. / The contracts folder {configured} does not exist."
            )
        return configured
    for candidate in _SHIPPED:
        if candidate.is_dir():
            return candidate
    raise ContractError(
        "Folder kontrak tidak ditemukan di samping kode; tetapkan SATUDATA_QUALITY__CONTRACTS_DIR. / "
        "No contracts folder found beside the code; set SATUDATA_QUALITY__CONTRACTS_DIR."
    )


def contract_path(feed: Feed, directory: Path) -> Path:
    return directory / feed.name / f"v{feed.version}.json"


def read_contract(feed: Feed, path: Path) -> ContractFile:
    """The suite JSON and each expectation's reason; refuses a file whose rules cannot be reported."""
    try:
        suite = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise ContractError(
            f"Kontrak {path} tidak dapat dibaca: {exc}. / The contract {path} cannot be read: {exc}."
        ) from exc
    expectations = suite.get("expectations") if isinstance(suite, dict) else None
    if not isinstance(expectations, list) or not expectations:
        raise ContractError(
            f"Kontrak {path} tidak memuat daftar expectations. / The contract {path} has no expectations list."
        )
    reasons = tuple(_reason(path, index, item) for index, item in enumerate(expectations))
    seen: set[str] = set()
    for reason in reasons:
        if reason.rule in seen:
            # A verdict names rules, so one name must mean one check.
            raise ContractError(
                f"Aturan {reason.rule!r} muncul dua kali di {path}. / Rule {reason.rule!r} appears twice in {path}."
            )
        seen.add(reason.rule)
    return ContractFile(feed, path, suite, reasons)


def _reason(path: Path, index: int, item: Any) -> Reason:
    meta = item.get("meta") if isinstance(item, dict) else None
    severity = SEVERITY_FROM_GX.get(item.get("severity", "critical")) if isinstance(item, dict) else None
    keys = ("rule", "message_id", "message_en")
    fields = [meta.get(key) if isinstance(meta, dict) else None for key in keys]
    if severity is None or not all(isinstance(value, str) and value for value in fields):
        raise ContractError(
            f"Expectation ke-{index} di {path} harus punya meta.rule, meta.message_id, meta.message_en dan "
            f"severity critical|warning. / Expectation {index} in {path} needs meta.rule, meta.message_id, "
            f"meta.message_en and severity critical|warning."
        )
    rule, message_id, message_en = fields
    return Reason(rule, severity, message_id, message_en)
