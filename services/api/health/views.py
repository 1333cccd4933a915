"""GET /healthz: 200 when ClickHouse answers a trivial query, 503 problem+json otherwise."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from satudata.problems import ProblemError
from services.api import problems
from services.api.deps import ClientDep
from services.api.health import service

router = APIRouter(tags=["health"])


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok", "clickhouse": "ok"}]})

    status: Literal["ok"]
    clickhouse: Literal["ok"]


@router.get(
    "/healthz",
    response_model=Health,
    summary="Kesehatan layanan / Service health",
    description="200 bila ClickHouse menjawab, 503 bila tidak. / 200 when ClickHouse answers, 503 otherwise.",
    responses=problems.problem_responses(503),
)
def healthz(client: ClientDep) -> Health:
    # A client that cannot be built or a query that fails reaches the app's store handler: 503 problem+json.
    if not service.clickhouse_ok(client):
        raise ProblemError(problems.store_unavailable())
    return Health(status="ok", clickhouse="ok")
