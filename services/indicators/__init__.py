"""indicators: clean topics → WHO z-scores, exact numerator/denominator state in Faust tables → ClickHouse."""

from services.indicators.agent import register
from services.indicators.bootstrap import register_indicators

__all__ = ["register", "register_indicators"]
