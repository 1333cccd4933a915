"""WHO Child Growth Standards (0-5 years): z-scores, flags and LMS tables, as WHO's anthro R package has them.

- `zscores(frame)`: the frame with clenhei, zlen, zwei, zwfl, zbmi, zac, their flags and c9mo_flag added.
- `age_in_days(birth_date, measure_date)`: on dates, polars Date Series or expressions.
- `tables.lms(indicator, sex, key)`: vectorised L, M, S (indicator names in `tables.INDICATORS`).
- `measurement_for_z(indicator, sex, key, z)`: the measurement at a z-score, for synthetic data.

Domain code: numpy and polars only, no framework, no I/O beyond the LMS tables shipped in `data/`.
"""

from satudata.growth import tables
from satudata.growth.age import DAYS_PER_MONTH, age_in_days, days_from_months
from satudata.growth.formulas import measurement_for_z
from satudata.growth.scores import FLAG_LIMITS, OUTPUT_COLUMNS, zscores

__all__ = [
    "DAYS_PER_MONTH",
    "FLAG_LIMITS",
    "OUTPUT_COLUMNS",
    "age_in_days",
    "days_from_months",
    "measurement_for_z",
    "tables",
    "zscores",
]
