"""The synthetic province looks like NTT's published figures (ntt_figures.md, via calibration.py)."""

from __future__ import annotations

from satudata.synth import generate

TTS, FLORES_TIMUR, NGADA = "5302", "5306", "5309"
SUMBA_TENGAH, SUMBA_TIMUR, NAGEKEO = "5317", "5311", "5316"


def _rate(batch, indicator: str, region: str = "53") -> float:  # type: ignore[no-untyped-def]
    row = batch.truth.value(indicator, region)
    return row["numerator"] / row["denominator"]


def test_child_growth_at_the_posyandu_level(children) -> None:  # type: ignore[no-untyped-def]
    stunting = _rate(children, "stunting_prevalence")
    assert 0.15 <= stunting <= 0.20  # e-PPGBM 15-18%, not the surveys' 35-38%
    assert 0.25 <= _rate(children, "severe_stunting_prevalence") / stunting <= 0.42
    assert 0.05 <= _rate(children, "wasting_prevalence") <= 0.08
    assert 0.12 <= _rate(children, "underweight_prevalence") <= 0.15
    assert 0.015 <= _rate(children, "overweight_prevalence") <= 0.035
    # SSGI's ordering of kabupaten: TTS highest, Flores Timur and Ngada low.
    assert _rate(children, "stunting_prevalence", TTS) > _rate(children, "stunting_prevalence", FLORES_TIMUR) + 0.05
    assert _rate(children, "stunting_prevalence", TTS) > _rate(children, "stunting_prevalence", NGADA) + 0.05


def test_every_kabupaten_is_present_in_proportion(children) -> None:  # type: ignore[no-untyped-def]
    rows = [r for r in children.truth.indicators if r["indicator"] == "stunting_prevalence" and r["region"] != "53"]
    assert len(rows) == 22
    sizes = {r["region"]: r["denominator"] for r in rows}
    # Kabupaten Kupang (391,539 people) has about four times as many children as Sumba Tengah (92,138).
    assert 3.2 < sizes["5301"] / sizes[SUMBA_TENGAH] < 5.3


def test_poverty(welfare) -> None:  # type: ignore[no-untyped-def]
    assert 0.034 <= _rate(welfare, "extreme_poverty_rate") <= 0.045  # 3.93% in 2023
    for high in (SUMBA_TENGAH, TTS, SUMBA_TIMUR):
        for low in (NAGEKEO, FLORES_TIMUR):
            assert _rate(welfare, "extreme_poverty_rate", high) > _rate(welfare, "extreme_poverty_rate", low)


def test_other_feeds_are_plausible(every_feed) -> None:  # type: ignore[no-untyped-def]
    assert 0.13 <= _rate(every_feed, "pregnant_kek_prevalence") <= 0.23
    assert 0.25 <= _rate(every_feed, "pregnant_anaemia_prevalence") <= 0.36
    assert 0.15 <= _rate(every_feed, "family_risk_rate") <= 0.40
    assert 0.20 <= _rate(every_feed, "bride_risk_rate") <= 0.55
    assert 0.65 <= _rate(every_feed, "safe_water_rate") <= 0.85
    assert 0.62 <= _rate(every_feed, "proper_sanitation_rate") <= 0.82


def test_population_feed_adds_up_to_the_province() -> None:
    rows_per_year = 3442 * 8
    batch = generate("population", month="2026-10", count=rows_per_year, seed=1)
    data = [e["data"] for e in batch.events]
    assert len({d["desa_code"] for d in data}) == 3442
    assert sum(d["count"] for d in data) == 5_700_772  # Kepmendagri 2025
    kupang = sum(d["count"] for d in data if d["desa_code"].startswith("5301"))
    assert kupang == 391_539
    under_five = sum(d["count"] for d in data if d["age_group"] == "0-4")
    assert abs(under_five / 5_700_772 - 0.075) < 0.001
