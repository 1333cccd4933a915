"""Board "Ringkasan NTT": the province's headline indicators against their targets, their trends, the kabupaten
ranking and the convergence of interventions."""

from __future__ import annotations

from typing import Final

from satudata.boards import indicator_panels as ip
from satudata.boards.model import Board, Variable

PERIOD: Final = Variable("period", "Bulan", "Month", "period")

# The indicators the province is judged by, in the order the board shows them.
HEADLINE: Final = (
    "stunting_prevalence",
    "weighing_coverage",
    "extreme_poverty_rate",
    "convergence_reach",
    "wasting_prevalence",
    "underweight_prevalence",
    "pregnant_kek_prevalence",
    "family_risk_rate",
)
TRENDS: Final = ("stunting_prevalence", "weighing_coverage", "extreme_poverty_rate", "convergence_reach")

BOARD: Final = Board(
    uid="ringkasan-ntt",
    title_id="Ringkasan NTT",
    title_en="NTT summary",
    description_id="Indikator utama provinsi terhadap target, tren, peringkat kabupaten/kota dan konvergensi.",
    description_en="The province's headline indicators against targets, trends, kabupaten ranking and convergence.",
    variables=(PERIOD,),
    panels=(
        *(ip.stat(code) for code in HEADLINE),
        *(ip.series(code) for code in TRENDS),
        ip.breakdown("stunting_prevalence", "kabupaten"),
        ip.breakdown("weighing_coverage", "kabupaten"),
        ip.breakdown("convergence_reach", "kabupaten"),
        ip.breakdown("extreme_poverty_rate", "kabupaten"),
    ),
)
