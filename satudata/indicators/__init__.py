"""Indicators: the registry (what each one means) and the rules (how a counted record contributes).

The indicators service decides which record counts for a subject and period and sums contributions; the rules
here are pure and vectorised, so the same code serves the stream, a rebuild and the joined convergence job.
"""

from satudata.indicators.registry import INDICATORS, Indicator, Method, is_small_cell, of_feed
from satudata.indicators.rules import (
    ANTHRO_CODES,
    FEED_VALUES,
    LONG_COLUMNS,
    OEDEMA_AUX_Z,
    RULES,
    Methodology,
    bride_at_risk,
    child_measurement_contributions,
    contributions,
    denominator_column,
    extreme_poor,
    family_at_risk,
    numerator_column,
    period_start,
    shift_period,
    subject_key,
    under_five,
)

__all__ = [
    "ANTHRO_CODES",
    "FEED_VALUES",
    "INDICATORS",
    "LONG_COLUMNS",
    "OEDEMA_AUX_Z",
    "RULES",
    "Indicator",
    "Method",
    "Methodology",
    "bride_at_risk",
    "child_measurement_contributions",
    "contributions",
    "denominator_column",
    "extreme_poor",
    "family_at_risk",
    "is_small_cell",
    "numerator_column",
    "of_feed",
    "period_start",
    "shift_period",
    "subject_key",
    "under_five",
]
