"""The Indonesian province codes a NIK may start with."""

from __future__ import annotations

from typing import Final

# The 38 Kemendagri (Dukcapil) province codes since the 2022 Papua splits (Kepmendagri 100.1.1-6117/2022):
# 91 Papua, 92 Papua Barat, 93 Papua Selatan, 94 Papua Tengah, 95 Papua Pegunungan, 96 Papua Barat Daya.
# Before 2022 Papua was 94 and Papua Barat 91; both are still in the set, so NIKs issued then stay valid.
# BPS numbers the Papua provinces differently (up to 97); NIKs never use BPS codes.
INDONESIA_PROVINCE_CODES: Final[frozenset[str]] = frozenset(
    {
        *(str(code) for code in range(11, 20)),
        "21",
        *(str(code) for code in range(31, 37)),
        "51",
        "52",
        "53",
        *(str(code) for code in range(61, 66)),
        *(str(code) for code in range(71, 77)),
        "81",
        "82",
        *(str(code) for code in range(91, 97)),
    }
)

NTT_PROVINCE_CODE: Final = "53"
