"""HTTP routes of the regions domain."""

from __future__ import annotations

from fastapi import APIRouter

from services.api import problems
from services.api.deps import MasterDep, RegionPathDep
from services.api.regions import service
from services.api.regions.models import RegionDetail

router = APIRouter(prefix="/v1/regions", tags=["regions"])


@router.get(
    "/{code}",
    response_model=RegionDetail,
    summary="Wilayah, induk, leluhur dan anaknya / A region, its parent, ancestors and children",
    description=(
        "Dari data wilayah Kemendagri NTT; kode bertitik atau tidak. / From the NTT Kemendagri region "
        "master; dotted or digits codes."
    ),
    responses=problems.problem_responses(404, 422),
)
def region_detail(region: RegionPathDep, master: MasterDep) -> RegionDetail:
    return service.get(master=master, region=region)
