"""Who sees what on the boards, asked of services/api/auth.py as every other domain asks it.

A panel's audience says who may see its rows; small cells are hidden from whoever reads aggregates as the public
does (anonymous callers and publishers), as the indicator routes hide them (services/api/indicators/suppression.py).
"""

from __future__ import annotations

from satudata.boards import Panel
from services.api.auth import Caller, can_see, sees_small_cells_of


def may_see(caller: Caller, panel: Panel) -> bool:
    return can_see(caller, panel.audience)


def sees_small_cells(caller: Caller) -> bool:
    return sees_small_cells_of(caller)
