"""The problems only the boards domain answers, bilingual like every other (services/api/problems.py)."""

from __future__ import annotations

from satudata.problems import Problem, bilingual
from services.api.problems import unknown_name


def unknown_board(uid: str, known: list[str]) -> Problem:
    return unknown_name(404, "papan", "board", uid, known)


def unknown_panel(uid: str, panel_id: str, known: list[str]) -> Problem:
    return Problem(
        404,
        "unknown-panel",
        bilingual("Panel tidak dikenal", "Unknown panel"),
        bilingual(
            f"papan {uid!r} tidak punya panel {panel_id!r}; yang ada: {', '.join(known)}",
            f"board {uid!r} has no panel {panel_id!r}; it has: {', '.join(known)}",
        ),
        {"known": known},
    )


def kabupaten_required(panel_id: str) -> Problem:
    return Problem(
        422,
        "kabupaten-required",
        bilingual("Kabupaten wajib diisi", "Kabupaten required"),
        bilingual(
            f"panel {panel_id!r} menghitung per kabupaten: isi ?kabupaten= dengan kode 4 digit, mis. 5301",
            f"panel {panel_id!r} counts per kabupaten: give ?kabupaten= a 4-digit code, e.g. 5301",
        ),
    )


def not_a_kabupaten(code: str) -> Problem:
    return Problem(
        422,
        "invalid-region",
        bilingual("Bukan kabupaten/kota", "Not a kabupaten/kota"),
        bilingual(
            f"{code!r} bukan kode kabupaten/kota NTT (4 digit, mis. 5301)",
            f"{code!r} is not an NTT kabupaten/kota code (4 digits, e.g. 5301)",
        ),
    )


def access_required(panel_id: str, audience: str) -> Problem:
    return Problem(
        403,
        "access-required",
        bilingual("Perlu akses", "Access required"),
        bilingual(
            f"panel {panel_id!r} hanya untuk peran {audience}; kirim kunci API yang berhak",
            f"panel {panel_id!r} is for the {audience} role only; send an API key that holds it",
        ),
        {"audience": audience},
    )
