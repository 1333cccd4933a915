"""The one registry of indicators: what each one means, where its numbers come from, and what it aims for.

Values are fractions (0.12 is 12 %); `unit` says how to show them. The API serves this registry
(`GET /v1/indicators`), the boards take their titles from it, and docs/indicators.md explains each rule.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Unit = Literal["percent"]
#: Where an indicator is computed: the indicators service's exact stream counting (`stream`), its job over the
#: joined facts of several feeds (`joined`), or the quality gateway's record outcomes (`quality`).
Method = Literal["stream", "joined", "quality"]


@dataclass(frozen=True, slots=True)
class Indicator:
    code: str
    name_id: str
    name_en: str
    definition_id: str
    definition_en: str
    numerator: str
    denominator: str
    feeds: tuple[str, ...]  # the feeds whose records count (numerator and denominator)
    method: Method = "stream"
    unit: Unit = "percent"
    higher_is_better: bool = False
    target: float | None = None  # a fraction, like the values
    target_source: str | None = None
    # Aggregates whose denominator is below this are suppressed for the public: None = the settings' default.
    small_cell_threshold: int | None = None

    @property
    def feed(self) -> str:
        """The feed that carries the numerator (the first of `feeds`)."""
        return self.feeds[0]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def small_cell_limit(self, default: int) -> int:
        """Its own small-cell threshold, or `default` (the settings' SATUDATA_SMALL_CELL_THRESHOLD)."""
        return default if self.small_cell_threshold is None else self.small_cell_threshold


def is_small_cell(denominator: int | None, limit: int) -> bool:
    """Whether a cell must be hidden from the public: it counted someone, but fewer than `limit` people, whom
    neighbours could recognise. A denominator of 0 counted nobody and has nothing to hide (its value is null)."""
    return denominator is not None and 0 < denominator < limit


_CHILD = ("child_measurement",)
_WHO = (
    "z-score WHO 2006, nilai terflag dan umur >= 60 bulan dikeluarkan / "
    "WHO 2006 z-scores, flagged values and age >= 60 months left out"
)

INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in (
        Indicator(
            "stunting_prevalence",
            "Prevalensi stunting (balita pendek dan sangat pendek)",
            "Stunting prevalence (height-for-age below -2 SD)",
            f"Balita dengan TB/U (zlen) < -2 SD di antara balita dengan zlen sah; {_WHO}",
            f"Children under five with length/height-for-age z (zlen) below -2 among those with a valid zlen; {_WHO}",
            "balita dengan zlen < -2 / children with zlen < -2",
            "balita dengan zlen sah / children with a valid unflagged zlen",
            _CHILD,
            target=0.12,
            target_source="RPJMD NTT: 10-12 %",
        ),
        Indicator(
            "severe_stunting_prevalence",
            "Prevalensi balita sangat pendek",
            "Severe stunting prevalence (height-for-age below -3 SD)",
            f"Balita dengan zlen < -3 SD di antara balita dengan zlen sah; {_WHO}",
            f"Children under five with zlen below -3 among those with a valid zlen; {_WHO}",
            "balita dengan zlen < -3 / children with zlen < -3",
            "balita dengan zlen sah / children with a valid unflagged zlen",
            _CHILD,
        ),
        Indicator(
            "wasting_prevalence",
            "Prevalensi wasting (gizi kurang dan gizi buruk)",
            "Wasting prevalence (weight-for-height below -2 SD)",
            f"BB/TB (zwfl) < -2 SD, edema dihitung < -3 SD; {_WHO}",
            f"Weight-for-length/height z (zwfl) below -2, oedema counting as below -3; {_WHO}",
            "balita dengan zwfl < -2 atau edema / children with zwfl < -2 or oedema",
            "balita dengan zwfl sah atau edema / children with a valid zwfl or oedema",
            _CHILD,
        ),
        Indicator(
            "underweight_prevalence",
            "Prevalensi berat badan kurang (underweight)",
            "Underweight prevalence (weight-for-age below -2 SD)",
            f"BB/U (zwei) < -2 SD, edema dihitung < -3 SD seperti WHO anthro; {_WHO}",
            f"Weight-for-age z (zwei) below -2, oedema counting as below -3 as in WHO anthro; {_WHO}",
            "balita dengan zwei < -2 atau edema / children with zwei < -2 or oedema",
            "balita dengan zwei sah atau edema / children with a valid zwei or oedema",
            _CHILD,
        ),
        Indicator(
            "overweight_prevalence",
            "Prevalensi gizi lebih (overweight)",
            "Overweight prevalence (weight-for-height above +2 SD)",
            f"BB/TB (zwfl) > +2 SD; penyebut sama dengan wasting; {_WHO}",
            f"Weight-for-length/height z above +2; the same denominator as wasting; {_WHO}",
            "balita dengan zwfl > 2 / children with zwfl > 2",
            "balita dengan zwfl sah atau edema / children with a valid zwfl or oedema",
            _CHILD,
        ),
        Indicator(
            "weighing_coverage",
            "Cakupan penimbangan balita (D/S)",
            "Weighing coverage (D/S)",
            "Balita yang ditimbang pada bulan itu dibagi jumlah balita (0-4 tahun) menurut data penduduk tahun itu",
            "Children under five measured in the month over the children aged 0-4 in the population feed of that year",
            "balita ditimbang (D) / children measured in the month",
            "balita di data penduduk (S) / children aged 0-4 in the population feed",
            ("child_measurement", "population"),
            higher_is_better=True,
            target=0.85,
            target_source="Renstra Kemenkes: D/S 85 %",
        ),
        Indicator(
            "no_weight_gain_rate",
            "Balita tidak naik berat badan (T)",
            "Children not gaining weight (T)",
            "Balita yang ditimbang bulan ini dan bulan lalu dan beratnya tidak naik, di antara yang ditimbang di "
            "kedua bulan",
            "Children measured this month and last month whose weight did not increase, among those measured in both",
            "balita dengan berat tidak naik / children whose weight did not increase",
            "balita ditimbang dua bulan berturut-turut / children measured in both months",
            _CHILD,
        ),
        Indicator(
            "pregnant_kek_prevalence",
            "Prevalensi ibu hamil KEK",
            "Pregnant women with chronic energy deficiency (KEK)",
            "Ibu hamil dengan LiLA < 23,5 cm di antara ibu hamil yang diukur LiLA",
            "Pregnant women with MUAC below 23.5 cm among those checked with a MUAC",
            "ibu hamil LiLA < 23,5 cm / pregnant women with MUAC < 23.5 cm",
            "ibu hamil diperiksa LiLA / pregnant women checked with a MUAC",
            ("pregnancy_check",),
        ),
        Indicator(
            "pregnant_anaemia_prevalence",
            "Prevalensi anemia ibu hamil",
            "Anaemia in pregnant women",
            "Ibu hamil dengan Hb < 11 g/dL di antara ibu hamil yang diperiksa Hb",
            "Pregnant women with Hb below 11 g/dL among those checked with an Hb",
            "ibu hamil Hb < 11 / pregnant women with Hb < 11 g/dL",
            "ibu hamil diperiksa Hb / pregnant women checked with an Hb",
            ("pregnancy_check",),
        ),
        Indicator(
            "family_risk_rate",
            "Keluarga berisiko stunting (KRS)",
            "Families at risk of stunting",
            "Keluarga sasaran (ada balita atau ibu hamil) dengan sedikitnya satu faktor risiko (air minum atau "
            "jamban tidak layak, 4 Terlalu) di antara keluarga yang didata",
            "Target families (an under-five or a pregnant member) with at least one risk factor (unsafe water, "
            "no proper latrine, the four 'too's) among families assessed",
            "keluarga berisiko stunting / families at risk",
            "keluarga didata / families assessed",
            ("family_risk",),
        ),
        Indicator(
            "bride_risk_rate",
            "Catin berisiko",
            "Brides/grooms-to-be at risk",
            "Catin dengan Hb < 12 g/dL, LiLA < 23,5 cm atau umur < 19 tahun di antara catin yang diperiksa",
            "Brides/grooms-to-be with Hb below 12 g/dL, MUAC below 23.5 cm or aged under 19 among those screened",
            "catin berisiko / catin at risk",
            "catin diperiksa / catin screened",
            ("bride_screening",),
        ),
        Indicator(
            "extreme_poverty_rate",
            "Tingkat kemiskinan ekstrem",
            "Extreme poverty rate",
            "Jiwa dalam rumah tangga dengan pengeluaran per kapita di bawah garis kemiskinan ekstrem tahun itu, "
            "di antara jiwa dalam rumah tangga yang didata",
            "People in households whose per-capita expenditure is below that year's extreme-poverty line, among "
            "people in assessed households",
            "jiwa miskin ekstrem / people in extreme poverty",
            "jiwa dalam rumah tangga didata / people in assessed households",
            ("household_welfare",),
            target=0.0,
            target_source="Inpres 4/2022: kemiskinan ekstrem 0 % pada 2024",
        ),
        Indicator(
            "safe_water_rate",
            "Rumah tangga dengan air minum layak",
            "Households with safe drinking water",
            "Rumah tangga dengan sumber air minum aman atau dasar (JMP) di antara rumah tangga yang disurvei",
            "Households with a safely managed or basic water source (JMP) among households surveyed",
            "rumah tangga air minum layak / households with at least basic water",
            "rumah tangga disurvei / households surveyed",
            ("wash_access",),
            higher_is_better=True,
        ),
        Indicator(
            "proper_sanitation_rate",
            "Rumah tangga dengan sanitasi layak",
            "Households with proper sanitation",
            "Rumah tangga dengan sanitasi aman atau dasar (JMP) di antara rumah tangga yang disurvei",
            "Households with safely managed or basic sanitation (JMP) among households surveyed",
            "rumah tangga sanitasi layak / households with at least basic sanitation",
            "rumah tangga disurvei / households surveyed",
            ("wash_access",),
            higher_is_better=True,
        ),
        Indicator(
            "convergence_reach",
            "Jangkauan konvergensi intervensi",
            "Convergence reach",
            "Anak sasaran (stunting, dalam keluarga berisiko stunting, atau dalam rumah tangga miskin ekstrem) yang "
            "menerima sedikitnya satu intervensi program (GENTING, TAMASYA, GATI, layanan Posyandu) dalam 90 hari "
            "terakhir",
            "Target children (stunted, in a family at risk of stunting, or in an extreme-poor household) who "
            "received at least one programme intervention (GENTING, TAMASYA, GATI, Posyandu services) in the last "
            "90 days",
            "anak sasaran yang terjangkau / target children reached",
            "anak sasaran / target children",
            ("child_measurement", "family_risk", "household_welfare", "program_activity"),
            method="joined",
            higher_is_better=True,
            target=1.0,
        ),
        Indicator(
            "validity_rate",
            "Tingkat validitas data",
            "Data validity rate",
            "Rekaman yang diterima (lolos kontrak) di antara rekaman yang masuk, per feed dan sumber",
            "Records accepted by the contract among records received, per feed and source",
            "rekaman diterima / records accepted",
            "rekaman masuk / records received",
            (),
            method="quality",
            higher_is_better=True,
            target=0.95,
        ),
    )
}


def of_feed(feed: str) -> tuple[str, ...]:
    """Codes of the stream indicators a feed's records contribute to, in registry order."""
    return tuple(code for code, i in INDICATORS.items() if i.method == "stream" and feed in i.feeds)
