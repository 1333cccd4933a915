"""Board "Kabupaten": one kabupaten/kota (variable `kabupaten`): its indicators, the kecamatan and desa
breakdowns, trends, and the target children of convergence not reached (pseudonyms only, for officials)."""

from __future__ import annotations

from typing import Final

from satudata.boards import indicator_panels as ip
from satudata.boards.model import Board, Column, Panel, Variable
from satudata.boards.summary import PERIOD

KABUPATEN: Final = Variable("kabupaten", "Kabupaten/kota", "Kabupaten/city", "kabupaten")

HEADLINE: Final = ("stunting_prevalence", "weighing_coverage", "convergence_reach", "extreme_poverty_rate")

# FINAL first, then the filters on target and reached (as the API's not-reached list): a child reached by a later
# version must drop out, so no filter may see a superseded row. Hashes are HMACs (child NIK, KK number): never a NIK.
NOT_REACHED: Final = Panel(
    id="convergence-not-reached",
    title_id="Anak sasaran yang belum terjangkau intervensi",
    title_en="Target children not reached by any intervention",
    kind="table",
    sql=(
        "SELECT desa_code AS region, child_hash, kk_hash, posyandu_id, stunted, family_at_risk, extreme_poor, "
        "last_measure_date, last_intervention_date FROM ("
        "SELECT desa_code, child_hash, kk_hash, posyandu_id, stunted, family_at_risk, extreme_poor, "
        "last_measure_date, last_intervention_date, target, reached FROM satudata.convergence_target FINAL "
        "WHERE period = {period:Date} AND kabupaten_code = {kabupaten:String}) "
        "WHERE target = 1 AND reached = 0 ORDER BY region, child_hash LIMIT 1000"
    ),
    columns=(
        Column("region", "Desa/kelurahan", "Village", "region", level="desa"),
        Column("child_hash", "Pseudonim anak", "Child pseudonym", "text"),
        Column("kk_hash", "Pseudonim KK", "Family card pseudonym", "text"),
        Column("posyandu_id", "Posyandu", "Posyandu", "text"),
        Column("stunted", "Pendek (TB/U < -2 SD)", "Stunted (HAZ < -2 SD)", "number"),
        Column("family_at_risk", "Keluarga berisiko stunting", "Family at risk of stunting", "number"),
        Column("extreme_poor", "Miskin ekstrem", "Extreme poor", "number"),
        Column("last_measure_date", "Terakhir diukur", "Last measured", "date"),
        Column("last_intervention_date", "Intervensi terakhir", "Last intervention", "date"),
    ),
    audience="official",
    description_id=(
        "Anak sasaran konvergensi (pendek, keluarga berisiko stunting atau miskin ekstrem) tanpa intervensi dalam "
        "90 hari terakhir, per desa; hanya pseudonim (HMAC), tidak pernah NIK. 1 = ya. Paling banyak 1.000 baris."
    ),
    description_en=(
        "Convergence target children (stunted, in a family at risk or extreme poor) with no intervention in the "
        "last 90 days, by village; pseudonyms (HMAC) only, never a NIK. 1 = yes. At most 1,000 rows."
    ),
    width=24,
    height=12,
)

BOARD: Final = Board(
    uid="kabupaten",
    title_id="Kabupaten",
    title_en="Kabupaten",
    description_id="Satu kabupaten/kota: indikator, rincian kecamatan dan desa, tren, anak sasaran belum terjangkau.",
    description_en="One kabupaten/city: indicators, district and village breakdown, trends, children not reached.",
    variables=(KABUPATEN, PERIOD),
    panels=(
        *(ip.stat(code, within="kabupaten") for code in HEADLINE),
        ip.breakdown("stunting_prevalence", "kecamatan", within="kabupaten"),
        ip.breakdown("weighing_coverage", "kecamatan", within="kabupaten"),
        ip.series("stunting_prevalence", within="kabupaten"),
        ip.series("weighing_coverage", within="kabupaten"),
        ip.breakdown("stunting_prevalence", "desa", within="kabupaten", kind="table", width=12, height=12),
        ip.breakdown("convergence_reach", "desa", within="kabupaten", kind="table", width=12, height=12),
        NOT_REACHED,
    ),
)
