"""The shape of Kemendagri region codes: levels, the dotted and digits forms, and conversion between them."""

from __future__ import annotations

import re
from typing import Final, Literal, get_args

from satudata.regions.errors import InvalidRegionCodeError

Level = Literal["provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan"]
LEVELS: Final[tuple[Level, ...]] = get_args(Level)

# Digits per level; a code's length alone tells its level.
LEVEL_DIGITS: Final[dict[Level, int]] = {
    "provinsi": 2,
    "kabupaten_kota": 4,
    "kecamatan": 6,
    "desa_kelurahan": 10,
}
_LEVEL_BY_LENGTH: Final[dict[int, Level]] = {n: level for level, n in LEVEL_DIGITS.items()}

# [0-9], not \d: \d would accept Arabic-Indic and other Unicode digits.
_DIGITS = re.compile(r"[0-9]{2}(?:[0-9]{2}(?:[0-9]{2}(?:[0-9]{4})?)?)?")
_DOTTED = re.compile(r"[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?)?")


def normalise_code(code: str) -> str:
    """The digits form of a region code given dotted ('53.01.04') or as digits ('530104')."""
    if not isinstance(code, str):
        raise InvalidRegionCodeError()
    code = code.strip()
    if _DIGITS.fullmatch(code):
        return code
    if _DOTTED.fullmatch(code):
        return code.replace(".", "")
    raise InvalidRegionCodeError()


def dotted(code: str) -> str:
    """The dotted form of a region code ('5301042003' → '53.01.04.2003')."""
    digits = normalise_code(code)
    parts = [digits[0:2], digits[2:4], digits[4:6], digits[6:10]]
    return ".".join(part for part in parts if part)


def code_level(code: str) -> Level:
    """The level a code's shape implies, whether or not the region exists ('3201' → 'kabupaten_kota')."""
    return _LEVEL_BY_LENGTH[len(normalise_code(code))]


def check_level(level: str) -> Level:
    if level not in LEVEL_DIGITS:
        raise ValueError(
            f"Tingkat wilayah tidak dikenal: {level!r}; pilih salah satu dari {', '.join(LEVELS)}. / "
            f"Unknown region level {level!r}; use one of {', '.join(LEVELS)}."
        )
    return level  # type: ignore[return-value]
