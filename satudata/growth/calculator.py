"""A calculator like WHO Anthro's: a user's table (all text, as read from a CSV) becomes the standard frame of
`zscores`, gets z-scores, and yields prevalences per group.

Users' files are taken as they come: sex as 1/2, M/F or L/P; dates as ISO or dd/mm/yyyy; measure and
oedema in Indonesian or English; a decimal comma. What cannot be read stops the calculation with an
`AnthroInputError` naming the column and the row, because a silently dropped child would bias a prevalence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from satudata.growth.scores import zscores

RESULT_COLUMNS = ("clenhei", "zlen", "zwei", "zwfl", "zbmi", "zac", "flen", "fwei", "fwfl", "fbmi", "fac")
PREVALENCE_INDICATORS = ("zlen", "zwei", "zwfl", "zbmi", "zac")
# anthro counts a child with oedema as below -3 SD for the weight-based indicators (R/prevalence.R).
OEDEMA_INDICATORS = ("zwei", "zwfl", "zbmi")
OEDEMA_AUX_Z = -3.1
LAST_PREVALENCE_DAY = 1826
HEADER_ROWS = 1  # row numbers are spreadsheet rows: row 1 is the header, the first child is row 2
INDICATOR_LABELS = {
    "zlen": "TB/U stunting (HAZ)",
    "zwei": "BB/U underweight (WAZ)",
    "zwfl": "BB/TB wasting (WHZ)",
    "zbmi": "IMT/U (BAZ)",
    "zac": "LiLA/U (MUAC)",
}
ALL_GROUP = "Semua / All"
EMPTY_GROUP = "(kosong / empty)"
GROUP = "group"
_CUTOFFS = {
    "below_minus3": pl.col("value") < -3,
    "below_minus2": pl.col("value") < -2,
    "above_plus2": pl.col("value") > 2,
}
_COUNT_SCHEMA = {GROUP: pl.Utf8, "indicator": pl.Utf8, "n": pl.UInt32, **dict.fromkeys(_CUTOFFS, pl.UInt32)}

SEX_VALUES = {
    **dict.fromkeys(("1", "1.0", "m", "male", "l", "laki-laki", "laki laki", "lk"), 1),
    **dict.fromkeys(("2", "2.0", "f", "female", "p", "perempuan", "pr", "w", "wanita"), 2),
}
MEASURE_VALUES = {
    **dict.fromkeys(("l", "lying", "recumbent", "length", "terlentang", "berbaring", "telentang"), "l"),
    **dict.fromkeys(("h", "standing", "height", "berdiri"), "h"),
}
OEDEMA_VALUES = {
    **dict.fromkeys(("y", "ya", "yes", "true", "1"), True),
    **dict.fromkeys(("n", "tidak", "no", "false", "0", "2"), False),
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


class AnthroInputError(ValueError):
    """A missing column, or a value that cannot be read; `row` is the spreadsheet row (header = row 1)."""

    def __init__(self, column: str, row: int | None, value: str | None, message_id: str, message_en: str) -> None:
        self.column, self.row, self.value = column, row, value
        self.message_id, self.message_en = message_id, message_en
        super().__init__(f"{message_id}\n{message_en}")


@dataclass(frozen=True)
class Calculated:
    table: pl.DataFrame  # the user's columns, unchanged, and RESULT_COLUMNS
    scored: pl.DataFrame  # the standard frame with all of zscores' columns (and `group`), for prevalence


def _missing_column(column: str) -> AnthroInputError:
    return AnthroInputError(
        column,
        None,
        None,
        f"Kolom '{column}' tidak ada di berkas masukan.",
        f"Column '{column}' is missing from the input file.",
    )


def _find(table: pl.DataFrame, name: str) -> str | None:
    """The user's column for `name`: case-insensitive, ignoring spaces and a spreadsheet's BOM."""
    for column in table.columns:
        if column.replace("\ufeff", "").strip().lower() == name:
            return column
    return None


def _clean(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars().replace("", None)


def _number(column: str) -> pl.Expr:
    value = _clean(column).str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value)


def _date(column: str) -> pl.Expr:
    # A spreadsheet may add a time of day to an ISO date ("2023-01-05 00:00:00"); the day is what counts.
    text = _clean(column).str.replace(r"[ T]\d{1,2}:\d{2}(:\d{2})?$", "")
    return pl.coalesce(text.str.strptime(pl.Date, fmt, strict=False) for fmt in DATE_FORMATS)


def _mapping(values: dict[str, object], dtype: pl.DataType) -> Callable[[str], pl.Expr]:
    def parse(column: str) -> pl.Expr:
        return _clean(column).str.to_lowercase().replace_strict(values, default=None, return_dtype=dtype)

    return parse


_NUMBER = (_number, "harus angka, misalnya 12,5 atau 12.5", "expected a number such as 12.5 or 12,5")
_DATE = (_date, "harus tanggal, misalnya 31/01/2023 atau 2023-01-31", "expected a date such as 2023-01-31")
# standard column -> (parser of the user's column, what was expected in Bahasa Indonesia, in English)
FIELDS: dict[str, tuple[Callable[[str], pl.Expr], str, str]] = {
    "sex": (_mapping(SEX_VALUES, pl.Int64()), "harus 1/2, L/P atau M/F", "expected 1/2, M/F or L/P"),
    "age_days": (_number, "harus angka (hari)", "expected a number of days"),
    "birth_date": _DATE,
    "measure_date": _DATE,
    "weight_kg": _NUMBER,
    "lenhei_cm": _NUMBER,
    "measure": (
        _mapping(MEASURE_VALUES, pl.Utf8()),
        "harus l/h atau terlentang/berdiri",
        "expected l/h or lying/standing",
    ),
    "oedema": (_mapping(OEDEMA_VALUES, pl.Boolean()), "harus y/n atau ya/tidak", "expected y/n or yes/no"),
    "muac_cm": _NUMBER,
}
REQUIRED = ("sex", "weight_kg", "lenhei_cm")


def _first_unreadable(table: pl.DataFrame, parsed: dict[str, pl.Expr], first_row: int) -> None:
    """Raise for the first row (then the first column) with a value that its parser turned into null."""
    first_bad = table.select(
        pl.arg_where(_clean(column).is_not_null() & expr.is_null()).first().alias(column)
        for column, expr in parsed.items()
    ).row(0, named=True)
    bad = [(index, table.columns.index(column), column) for column, index in first_bad.items() if index is not None]
    if not bad:
        return
    index, _, column = min(bad)
    value, row = table[column][index], first_row + index
    name = next(name for name in FIELDS if _find(table, name) == column)
    _, expected_id, expected_en = FIELDS[name]
    raise AnthroInputError(
        column,
        row,
        value,
        f"Baris {row}, kolom '{column}': nilai '{value}' tidak dapat dibaca; {expected_id} "
        f"(nomor baris seperti di spreadsheet: baris 1 = judul kolom).",
        f"Row {row}, column '{column}': cannot read the value '{value}'; {expected_en} "
        f"(row numbers as in a spreadsheet: row 1 is the header).",
    )


def standard_frame(table: pl.DataFrame, first_row: int = HEADER_ROWS + 1, by: str | None = None) -> pl.DataFrame:
    """The user's table (text columns) as the input frame of `zscores`.

    `first_row` is the spreadsheet row of the table's first row, so that a chunk of a large file reports
    the rows the user sees. `by` names a column kept as `group` for `prevalence_counts`.
    """
    found = {name: column for name in FIELDS if (column := _find(table, name)) is not None}
    for name in REQUIRED:
        if name not in found:
            raise _missing_column(name)
    if "birth_date" not in found or "measure_date" not in found:
        found.pop("birth_date", None), found.pop("measure_date", None)
        if "age_days" not in found:
            raise AnthroInputError(
                "age_days",
                None,
                None,
                "Kolom umur tidak ada: perlu 'age_days', atau 'birth_date' dan 'measure_date'.",
                "The age is missing: a column 'age_days', or 'birth_date' and 'measure_date', is needed.",
            )
    parsed = {column: FIELDS[name][0](column) for name, column in found.items()}
    _first_unreadable(table, parsed, first_row)
    # An empty oedema cell means no oedema.
    columns = [
        (parsed[column].fill_null(False) if name == "oedema" else parsed[column]).alias(name)
        for name, column in found.items()
    ]
    if by is not None:
        group = _find(table, by.strip().lower())
        if group is None:
            raise _missing_column(by)
        columns.append(_clean(group).fill_null(EMPTY_GROUP).alias(GROUP))
    return table.select(columns)


def calculate(table: pl.DataFrame, first_row: int = HEADER_ROWS + 1, by: str | None = None) -> Calculated:
    """z-scores for a user's table: the table as it is plus RESULT_COLUMNS (replacing same-named columns)."""
    scored = zscores(standard_frame(table, first_row, by))
    results = scored.select(RESULT_COLUMNS)
    kept = table.drop([c for c in RESULT_COLUMNS if c in table.columns])
    return Calculated(kept.hstack(results), scored)


def prevalence_counts(scored: pl.DataFrame) -> pl.DataFrame:
    """Counts behind the prevalences, per group and in total, so that chunks of a file can be summed.

    As in anthro's prevalence: flagged z-scores are left out, a child with oedema counts as below -3 SD
    for the weight-based indicators (unless older than 1826 days), and the denominator is every child
    counted.
    """
    group = pl.col(GROUP) if GROUP in scored.columns else pl.lit(ALL_GROUP)
    counted_oedema = pl.col("oedema") & (
        pl.col("age_days_used").is_null() | (pl.col("age_days_used") <= LAST_PREVALENCE_DAY)
    )
    parts = []
    for z in PREVALENCE_INDICATORS:
        flag = "f" + z.removeprefix("z")
        value = pl.when(pl.col(flag) == 0).then(pl.col(z))
        if z in OEDEMA_INDICATORS:
            value = pl.when(counted_oedema).then(pl.lit(OEDEMA_AUX_Z)).otherwise(value)
        frame = scored.select(group.alias(GROUP), value.alias("value")).drop_nulls("value")
        total = frame.with_columns(pl.lit(ALL_GROUP).alias(GROUP))
        for grouped in (frame, total) if GROUP in scored.columns else (total,):
            parts.append(
                grouped.group_by(GROUP).agg(
                    pl.lit(z).alias("indicator"),
                    pl.len().alias("n"),
                    *((condition.sum().alias(name)) for name, condition in _CUTOFFS.items()),
                )
            )
    return pl.concat([part.cast(_COUNT_SCHEMA) for part in parts]).select(_COUNT_SCHEMA.keys())


def prevalence(counts: pl.DataFrame) -> pl.DataFrame:
    """Percentages from (summed) counts: one row per group and indicator, the total first."""
    shares = [pl.when(pl.col("n") > 0).then(100 * pl.col(c) / pl.col("n")).round(1).alias(f"{c}_pct") for c in _CUTOFFS]
    order = {z: i for i, z in enumerate(PREVALENCE_INDICATORS)}
    return (
        counts.group_by(GROUP, "indicator")
        .agg(pl.col("n", *_CUTOFFS).sum())
        .select(GROUP, "indicator", "n", *shares)
        .sort(
            pl.col(GROUP) != ALL_GROUP,
            GROUP,
            pl.col("indicator").replace_strict(order, return_dtype=pl.Int8),
        )
    )


def has_decimal_comma(table: pl.DataFrame) -> bool:
    """Whether the user writes decimals with a comma (then the output should too)."""
    columns = [c for name in ("weight_kg", "lenhei_cm", "muac_cm", "age_days") if (c := _find(table, name))]
    if not columns:
        return False
    return bool(table.select(pl.any_horizontal(pl.col(columns).str.contains(",", literal=True).any())).item())
