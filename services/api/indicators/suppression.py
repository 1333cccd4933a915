"""Small-cell suppression: the one place where an indicator answer is made fit for the public.

A cell (a value, a breakdown item, a series point) whose denominator is at least 1 and below the indicator's
threshold has numerator, denominator and value set to null and `suppressed: true`: a handful of children in one
desa could otherwise be recognised by their neighbours. A denominator of 0 counted nobody and has nothing to hide
(its value is already null), so it is shown as it is; an empty desa looks empty, not secret.
Callers who may see unsuppressed numbers (officials, operators, admins) get the answer untouched.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from satudata.indicators import Indicator, is_small_cell
from satudata.settings import Settings
from services.api.auth import Caller, sees_small_cells_of

Answer = TypeVar("Answer", bound=BaseModel)
_HIDDEN = {"numerator": None, "denominator": None, "value": None, "suppressed": True}


def _cell(cell: Answer, limit: int) -> Answer:
    if is_small_cell(getattr(cell, "denominator", None), limit):
        return cell.model_copy(update=_HIDDEN)
    return cell


def suppress(answer: Answer, limit: int) -> Answer:
    """The answer with every small cell hidden: the answer itself when it has numbers, else each of its items."""
    items = getattr(answer, "items", None)
    if isinstance(items, list):
        return answer.model_copy(update={"items": [_cell(item, limit) for item in items]})
    return _cell(answer, limit)


def for_caller(answer: Answer, *, caller: Caller, indicator: Indicator, settings: Settings) -> Answer:
    """What this caller may see of the answer: unsuppressed for officials and operators, suppressed otherwise."""
    if sees_small_cells_of(caller):
        return answer
    return suppress(answer, indicator.small_cell_limit(settings.small_cell_threshold))
