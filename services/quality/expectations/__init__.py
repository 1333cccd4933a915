"""Great Expectations custom expectations for the rules GX has no expectation for.

Importing this package registers them with GX (an expectation class registers itself when it is defined), so it
must be imported before any suite is built: services/quality/contract.py does so, and a suite naming one of
these types would otherwise lose that expectation silently (GX drops unknown types with a log line).

Each is a map expectation with a PandasExecutionEngine condition, so GX reports which rows failed
(`unexpected_index_list`), as the gateway needs to route records one by one. A value the expectation cannot
judge (a NIK of the wrong shape for a date check, a desa code that is not 10 digits) counts as expected: the
rule about that defect reports it, once.
"""

from services.quality.expectations.desa import ExpectColumnValuesToBeKnownDesaCode
from services.quality.expectations.nik import (
    KK_CHECKS,
    NIK_CHECKS,
    ExpectColumnPairValuesNikToAgreeWithBirthDate,
    ExpectColumnPairValuesNikToAgreeWithSex,
    ExpectColumnValuesToBeValidKk,
    ExpectColumnValuesToBeValidNik,
    ExpectColumnValuesToBeValidNikList,
)
from services.quality.expectations.pairs import (
    ExpectColumnPairValuesToBeAllowedFor,
    ExpectColumnPairValuesToNotBothBeMissing,
)

#: Every custom expectation type, as suites name them.
CUSTOM_TYPES: tuple[str, ...] = (
    "expect_column_values_to_be_known_desa_code",
    "expect_column_values_to_be_valid_nik",
    "expect_column_values_to_be_valid_nik_list",
    "expect_column_values_to_be_valid_kk",
    "expect_column_pair_values_nik_to_agree_with_birth_date",
    "expect_column_pair_values_nik_to_agree_with_sex",
    "expect_column_pair_values_to_not_both_be_missing",
    "expect_column_pair_values_to_be_allowed_for",
)

__all__ = [
    "CUSTOM_TYPES",
    "KK_CHECKS",
    "NIK_CHECKS",
    "ExpectColumnPairValuesNikToAgreeWithBirthDate",
    "ExpectColumnPairValuesNikToAgreeWithSex",
    "ExpectColumnPairValuesToBeAllowedFor",
    "ExpectColumnPairValuesToNotBothBeMissing",
    "ExpectColumnValuesToBeKnownDesaCode",
    "ExpectColumnValuesToBeValidKk",
    "ExpectColumnValuesToBeValidNik",
    "ExpectColumnValuesToBeValidNikList",
]
