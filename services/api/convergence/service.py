"""Target children of convergence_reach not reached in a month, from `convergence_target` FINAL, paged by keyset
on (desa_code, child_hash).

The table holds pseudonyms only (HMACs of the child's NIK and of the KK number), which are passed through as they
are: scrubbing a hash would break it as a key. posyandu_id comes from agencies and is scrubbed of long digit runs.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from clickhouse_connect.driver import Client

from satudata.regions import Level, Region, RegionMaster, dotted
from services.api import cursor as cursors
from services.api import redact
from services.api.convergence.models import NotReachedChild, ReasonCode, TargetReason

TABLE: Final = "satudata.convergence_target"
_COLUMN: Final[dict[Level, str]] = {
    "kabupaten_kota": "kabupaten_code",
    "kecamatan": "kecamatan_code",
    "desa_kelurahan": "desa_code",
}
_CURSOR_SHAPE: Final = (str, str)
REASONS: Final[dict[ReasonCode, tuple[str, str]]] = {
    "stunted": (
        "Balita pendek (TB/U < -2 SD) dalam 3 bulan terakhir",
        "Stunted (height-for-age below -2 SD) in the last 3 months",
    ),
    "family_at_risk": ("Dalam keluarga berisiko stunting", "In a family at risk of stunting"),
    "extreme_poor": ("Dalam rumah tangga miskin ekstrem", "In an extreme-poor household"),
}
_COLUMNS: Final = (
    "desa_code, child_hash, stunted, family_at_risk, extreme_poor, kk_hash, posyandu_id, "
    "last_measure_date, last_intervention_date"
)


def page(
    *, client: Client, master: RegionMaster, region: Region, period: date, limit: int, cursor: str | None
) -> tuple[list[NotReachedChild], str | None]:
    """One page in (desa_code, child_hash) order, and the cursor of the next page (None on the last)."""
    params: dict[str, Any] = {"period": period, "region": region.digits}
    # FINAL first, then the filters on target and reached: a child reached by a later version must drop out,
    # so no filter may see a superseded row.
    inner = f"SELECT {_COLUMNS}, target, reached FROM {TABLE} FINAL WHERE period = {{period:Date}}"
    if region.level in _COLUMN:
        inner += f" AND {_COLUMN[region.level]} = {{region:String}}"
    where = ["target = 1", "reached = 0"]
    if cursor is not None:
        after_desa, after_child = cursors.decode(cursor, _CURSOR_SHAPE)
        where.append("(desa_code, child_hash) > ({c_desa:String}, {c_child:String})")
        params |= {"c_desa": after_desa, "c_child": after_child}
    sql = (
        f"SELECT {_COLUMNS} FROM ({inner}) WHERE {' AND '.join(where)} "
        f"ORDER BY desa_code, child_hash LIMIT {int(limit) + 1}"
    )
    rows, next_cursor = cursors.take(
        client.query(sql, parameters=params).result_rows, limit, lambda row: [str(row[0]), str(row[1])]
    )
    return [_child(row, master) for row in rows], next_cursor


def _child(row: tuple[Any, ...], master: RegionMaster) -> NotReachedChild:
    desa_code, child_hash, stunted, family_at_risk, extreme_poor, kk_hash, posyandu_id, measured, intervened = row
    desa = master.find(desa_code) if desa_code else None
    flags: dict[ReasonCode, Any] = {
        "stunted": stunted,
        "family_at_risk": family_at_risk,
        "extreme_poor": extreme_poor,
    }
    return NotReachedChild(
        desa_code=desa.code if desa else _dotted(desa_code),
        desa_name=desa.name if desa and desa.level == "desa_kelurahan" else None,
        child_hash=child_hash,
        reasons=[
            TargetReason(code=code, label_id=REASONS[code][0], label_en=REASONS[code][1])
            for code, flag in flags.items()
            if flag
        ],
        kk_hash=kk_hash or None,
        posyandu_id=redact.scrub_text(posyandu_id) if posyandu_id else None,
        last_measure_date=measured,
        last_intervention_date=intervened,
    )


def _dotted(code: str) -> str:
    try:
        return dotted(code)
    except ValueError:
        return redact.scrub_text(code)
