"""indicators: clean topics → exact numerator/denominator state in Faust tables → ClickHouse; convergence."""

from services.indicators.bootstrap import COUNTED_FEEDS, Indicators, register_indicators

__all__ = ["COUNTED_FEEDS", "Indicators", "register_indicators"]
