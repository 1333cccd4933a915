"""An independent reference for the indicators: plain Python, one record at a time, from docs/indicators.md.

`tests.oracle.indicators.oracle` counts every stream indicator and convergence_reach from accepted CloudEvents;
`tests.oracle.records` draws small valid batches (hypothesis strategies) to check the implementation against it.
"""

from tests.oracle.indicators import PROVINCE, Key, Value, oracle

__all__ = ["PROVINCE", "Key", "Value", "oracle"]
