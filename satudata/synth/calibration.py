"""Every number the synthetic population is calibrated on, in one place.

Sources: the project's reference notes "Published figures for NTT" (ntt_figures.md, section numbers below),
which quote Kemenkes SSGI/SKI, Dinkes NTT e-PPGBM, BPS Susenas, BKKBN PK and Pemprov NTT releases. A value
marked [A] is an assumption made here because the notes have no figure for it; [D] is derived from figures in
the notes. Shares are fractions (0.17), not percentages, unless the name says `_pct`.
"""

from __future__ import annotations

# Kabupaten/kota, Kemendagri 4-digit codes (the NIK and desa-code scheme, not BPS codes).
KABUPATEN: tuple[str, ...] = (
    "5301", "5302", "5303", "5304", "5305", "5306", "5307", "5308", "5309", "5310", "5311",
    "5312", "5313", "5314", "5315", "5316", "5317", "5318", "5319", "5320", "5321", "5371",
)  # fmt: skip

# --- Child growth (ntt_figures.md §1, §2) ---------------------------------------------------------------
# SSGI 2021 stunting % by kabupaten (databoks 4d7f27e2e6dab86): only the ORDERING and spread are used, scaled
# down to the Posyandu (e-PPGBM) level, which is what records from Posyandu show.
SSGI_2021_STUNTING_PCT: dict[str, float] = {
    "5306": 23.4, "5371": 26.1, "5307": 26.6, "5308": 27.2, "5316": 28.1, "5311": 28.8, "5309": 29.0,
    "5321": 31.4, "5313": 31.7, "5310": 33.1, "5320": 33.9, "5317": 34.0, "5312": 37.0, "5315": 38.5,
    "5304": 39.9, "5314": 40.1, "5301": 40.4, "5319": 42.9, "5318": 44.0, "5305": 44.8, "5303": 46.7,
    "5302": 48.3,
}  # fmt: skip
# e-PPGBM province: 17.7% (Feb 2022), 15.7% (Feb 2023), 15.2% (Aug 2023). The middle of that range.
EPPGBM_PROVINCE_STUNTING = 0.165
# Surveys put severe stunting near 45% of stunting (PSG 2017: 18.0 of 40.3); Posyandu data catch fewer extreme
# cases, so a third [A].
SEVERE_SHARE_OF_STUNTING = 1 / 3
# No NTT wasting/underweight figures were found (§ "Not found"); national-pattern assumptions [A].
WASTING_TARGET = 0.065
OVERWEIGHT_TARGET = 0.025
UNDERWEIGHT_RANGE = (0.12, 0.15)  # emerges from the length and weight-for-length z; checked, not imposed
OEDEMA_RATE = 0.001  # [A] kwashiorkor is rare in Posyandu records
CHILD_NIK_MISSING_RATE = 0.02  # [A] newborns not yet registered at Dukcapil
UNDER_FIVE_SHARE = 0.075  # §6 [D]: 430 k balita / 5.70 M people
# SKI 2023: the 24-35 month group has the most stunting (§1 notes). Relative weight of the "chronic" z tail
# and the shift of the main z component by age group (months 0-5, 6-11, 12-23, 24-35, 36-47, 48-59) [A].
AGE_GROUP_MONTHS: tuple[int, ...] = (0, 6, 12, 24, 36, 48, 60)
AGE_TAIL_WEIGHT: tuple[float, ...] = (0.4, 0.7, 1.0, 1.3, 1.2, 1.1)
AGE_MEAN_SHIFT: tuple[float, ...] = (0.45, 0.2, -0.05, -0.2, -0.15, -0.1)
# Posyandu attendance falls with age: weight 1 at birth, 1 - this at 60 months [A].
ATTENDANCE_DROP_BY_60_MONTHS = 0.35

# --- Poverty (§3, §4) -------------------------------------------------------------------------------------
# BPS poverty rate, Mar 2023. Named in §3: Sumba Tengah, Sabu Raijua, Sumba Timur, Kota Kupang, Flores Timur,
# Ngada. [D] from "most/fewest poor people" over 2025 population: TTS, SBD, Kab Kupang, Nagekeo. The rest [A].
POVERTY_RATE: dict[str, float] = {
    "5317": 0.3178, "5320": 0.2837, "5311": 0.2808, "5371": 0.0861, "5306": 0.1177, "5309": 0.1206,
    "5302": 0.244, "5318": 0.286, "5301": 0.230, "5316": 0.113,
    "5303": 0.215, "5304": 0.150, "5305": 0.200, "5307": 0.130, "5308": 0.225, "5310": 0.200,
    "5312": 0.275, "5313": 0.250, "5314": 0.270, "5315": 0.170, "5319": 0.255, "5321": 0.150,
}  # fmt: skip
PROVINCE_POVERTY_RATE = 0.1996  # Mar 2023; the kabupaten rates are scaled to it
# BPS poverty line, Rp/capita/month (§3). Later years grow by POVERTY_LINE_GROWTH a year [A].
POVERTY_LINE_RP: dict[int, int] = {2019: 373_922, 2020: 403_005, 2023: 507_203, 2024: 533_944}
POVERTY_LINE_GROWTH = 0.03
# Extreme poverty 2022 by kabupaten (§4): the named highest/lowest and the Kemenko PMK list; others [A].
EXTREME_POVERTY_2022: dict[str, float] = {
    "5317": 0.1911, "5302": 0.1301, "5311": 0.1040, "5312": 0.1175, "5301": 0.0598, "5303": 0.0484,
    "5304": 0.0444, "5305": 0.0238, "5316": 0.0147, "5306": 0.0210,
    "5307": 0.040, "5308": 0.060, "5309": 0.025, "5310": 0.055, "5313": 0.060, "5314": 0.075,
    "5315": 0.040, "5318": 0.085, "5319": 0.065, "5320": 0.090, "5321": 0.040, "5371": 0.015,
}  # fmt: skip
# NTT 2023: 3.93% (down from 6.56% in 2022); the 2022 kabupaten pattern is scaled to it.
PROVINCE_EXTREME_POVERTY = 0.0393
# National welfare deciles (DTSEN ranks nationally, so NTT households crowd the low deciles): upper bounds of
# deciles 1-9 in Rp/capita/month at the 2024 poverty line, moved with the line in other years [A].
DECILE_BOUNDS_2024_RP: tuple[int, ...] = (
    560_000,
    650_000,
    740_000,
    840_000,
    960_000,
    1_100_000,
    1_300_000,
    1_600_000,
    2_200_000,
)
# Probability of receiving each programme by welfare decile 1..10 [A]: targeted, with inclusion/exclusion
# error.
PKH_BY_DECILE = (0.45, 0.38, 0.28, 0.15, 0.08, 0.04, 0.03, 0.02, 0.01, 0.01)
BPNT_BY_DECILE = (0.55, 0.45, 0.33, 0.20, 0.10, 0.05, 0.03, 0.02, 0.01, 0.01)
PBI_BY_DECILE = (0.80, 0.75, 0.65, 0.55, 0.40, 0.30, 0.20, 0.12, 0.08, 0.05)

# --- Households and families (§5, §6) --------------------------------------------------------------------
MEAN_HOUSEHOLD_SIZE = 4.3  # [A]; BPS gives 5.75 for poor households only (§3)
MALE_HEAD_SHARE = 0.85  # [A]
MOTHER_PRESENT_SHARE = 0.78  # [A] a woman of 15-49 who is the head or the head's spouse
PREGNANT_SHARE_OF_MOTHERS = 0.085  # [D] ~130 k births/yr (§6) -> ~100 k pregnant at any time, over mothers
# 4T risk factors as the TPK records them (§5: too young, too old, too close, too many) [A] shares
MOTHER_TOO_YOUNG_AGE = 20  # years, below
MOTHER_TOO_OLD_AGE = 35  # years, above
BIRTHS_TOO_CLOSE_MONTHS = 24  # the two youngest children less than this apart
TOO_MANY_CHILDREN = 4  # at least this many children
# Water and sanitation: share of households with at least basic drinking water / sanitation. §7: 2018 improved
# sources ~78%; TTS 2020 proper sanitation 60.04%; Sumba Tengah 70.4% without proper water and latrine; SBD
# 55.7% without a proper water source. Kabupaten not named there [A].
SAFE_WATER_SHARE: dict[str, float] = {
    "5301": 0.74, "5302": 0.68, "5303": 0.76, "5304": 0.80, "5305": 0.74, "5306": 0.86, "5307": 0.84,
    "5308": 0.83, "5309": 0.88, "5310": 0.80, "5311": 0.66, "5312": 0.60, "5313": 0.78, "5314": 0.70,
    "5315": 0.76, "5316": 0.86, "5317": 0.35, "5318": 0.443, "5319": 0.72, "5320": 0.64, "5321": 0.78,
    "5371": 0.93,
}  # fmt: skip
PROPER_SANITATION_SHARE: dict[str, float] = {
    "5301": 0.70, "5302": 0.6004, "5303": 0.74, "5304": 0.78, "5305": 0.72, "5306": 0.84, "5307": 0.82,
    "5308": 0.82, "5309": 0.86, "5310": 0.78, "5311": 0.62, "5312": 0.58, "5313": 0.76, "5314": 0.68,
    "5315": 0.72, "5316": 0.84, "5317": 0.35, "5318": 0.55, "5319": 0.70, "5320": 0.62, "5321": 0.76,
    "5371": 0.92,
}  # fmt: skip
# Split of each side into the JMP ladder (events.WATER_SOURCE_CLASSES / SANITATION_CLASSES) [A]; §7's 2018
# source mix (piped 15%, protected springs/wells 49%, unprotected 16%, surface 2.8%) guides the water split.
WATER_SAFE_SPLIT = {"safely_managed": 0.25, "basic": 0.75}
WATER_UNSAFE_SPLIT = {"limited": 0.35, "unimproved": 0.50, "surface_water": 0.15}
SANITATION_SAFE_SPLIT = {"safely_managed": 0.15, "basic": 0.85}
SANITATION_UNSAFE_SPLIT = {"limited": 0.35, "unimproved": 0.40, "open_defecation": 0.25}

# --- Pregnancy and brides-to-be [A]: no NTT figures in the notes -----------------------------------------
PREGNANT_MUAC_MEAN, PREGNANT_MUAC_SD = 25.5, 2.3  # -> KEK (MUAC < 23.5) ~ 19%
PREGNANT_HB_MEAN, PREGNANT_HB_SD = 11.55, 1.1  # -> anaemia (Hb < 11) ~ 31%
PREGNANT_HB_MISSING = 0.10
# Poorer kabupaten: lower MUAC and Hb, by this much per 10 points of poverty above the province
PREGNANT_POVERTY_SHIFT_PER_10PCT = -0.4
BRIDE_FEMALE_SHARE = 0.6
BRIDE_UNDER_19_SHARE = 0.09
BRIDE_HB = {"P": (12.5, 1.2), "L": (14.2, 1.2)}
BRIDE_MUAC = {"P": (25.3, 2.4), "L": (27.0, 2.4)}
BRIDE_HEIGHT = {"P": (151.0, 5.5), "L": (161.0, 6.0)}

# --- Programme activity (Kemendukbangga/BKKBN 2025 quick wins, Posyandu) [A] mix --------------------------
PROGRAMME_SHARE = {
    "posyandu": 0.40, "genting": 0.20, "tamasya": 0.10, "gati": 0.10, "sidaya": 0.08, "cadre_training": 0.12,
}  # fmt: skip

# --- Population feed age structure [A] except 0-4 (§6) ----------------------------------------------------
AGE_GROUP_SHARE = {"0-4": UNDER_FIVE_SHARE, "5-14": 0.205, "15-49": 0.51, "50+": 0.21}

# --- Reporting delays --------------------------------------------------------------------------------------
MEAN_ENTRY_DELAY_DAYS = 2.0  # [A] Posyandu/TPK data entered a few days after the visit
LATE_DELAY_DAYS = (30, 90)  # the brief's "far after the date"

# Desa populations within a kabupaten are fixed for every seed, so the population feed and every batch agree.
GEOGRAPHY_SEED = 530_000
KELURAHAN_WEIGHT = 2.5  # [A] urban kelurahan are larger than rural desa
