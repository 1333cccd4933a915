"""Examples of the boards answers for the OpenAPI document (one board's first panel, and that panel's rows)."""

from __future__ import annotations

from typing import Any, Final

_COLUMNS: Final[list[dict[str, Any]]] = [
    {"name": "value", "title_id": "Nilai", "title_en": "Value", "kind": "percent", "level": None},
    {"name": "numerator", "title_id": "Balita dengan zlen < -2", "title_en": "Children with zlen < -2",
     "kind": "count", "level": None},
    {"name": "denominator", "title_id": "Balita dengan zlen sah", "title_en": "Children with a valid unflagged zlen",
     "kind": "count", "level": None},
]  # fmt: skip
BOARD_LIST: Final[dict[str, Any]] = {
    "items": [
        {
            "uid": "ringkasan-ntt",
            "title_id": "Ringkasan NTT",
            "title_en": "NTT summary",
            "description_id": "Indikator utama provinsi bulan ini",
            "description_en": "The province's main indicators this month",
            "refresh": "5s",
            "refresh_seconds": 5,
            "variables": [{"name": "period", "label_id": "Bulan", "label_en": "Month", "kind": "period"}],
            "panels": [
                {
                    "id": "stunting_prevalence-stat",
                    "title_id": "Prevalensi stunting (balita pendek dan sangat pendek)",
                    "title_en": "Stunting prevalence (height-for-age below -2 SD)",
                    "description_id": "Balita dengan TB/U (zlen) < -2 SD di antara balita dengan zlen sah",
                    "description_en": "Children under five with height-for-age below -2 SD among those measured",
                    "kind": "stat",
                    "columns": _COLUMNS,
                    "unit": "percent",
                    "target": 0.12,
                    "indicator": "stunting_prevalence",
                    "higher_is_better": False,
                    "audience": "public",
                    "parameters": ["period"],
                    "visible": True,
                    "width": 6,
                    "height": 5,
                }
            ],
        }
    ]
}
PANEL_DATA: Final[dict[str, Any]] = {
    "board": "ringkasan-ntt",
    "panel": "stunting_prevalence-stat",
    "kind": "stat",
    "unit": "percent",
    "target": 0.12,
    "parameters": {"period": "2025-03-01"},
    "columns": _COLUMNS,
    "rows": [[0.2123, 1104, 5200]],
    "region_names": {},
    "suppressed_rows": [],
    "small_cell_threshold": 5,
}
