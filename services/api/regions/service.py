"""Region look-ups for the API: the region master answers, ClickHouse is not involved."""

from __future__ import annotations

from satudata.regions import Region, RegionMaster
from services.api.regions.models import RegionDetail, RegionRef


def get(*, master: RegionMaster, region: Region) -> RegionDetail:
    ancestors = master.ancestors(region.digits)
    return RegionDetail(
        code=region.code,
        digits=region.digits,
        name=region.name,
        level=region.level,
        subtype=region.subtype,
        parent=RegionRef.of(ancestors[0]) if ancestors else None,
        ancestors=[RegionRef.of(r) for r in ancestors],
        children=[RegionRef.of(r) for r in master.children(region.digits)],
    )
