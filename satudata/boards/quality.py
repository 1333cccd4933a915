"""Board "Kualitas Data": validity by agency and feed, alerts, quarantine volume, lateness, silent units and
conflicts between agencies. Counts are public; lists of alerts and conflicts are for operators.

Windows: the validity indicator counts by the month of the record's own date, like the API's validity_rate; the
rest by the WITA month of when a row was received, raised or detected (`{period}`, or `{period_from}` to
`{period_to}`). No record id or value of a person is shown: agencies choose record ids, and some are NIKs.
"""

from __future__ import annotations

from typing import Final

from satudata.boards import indicator_panels as ip
from satudata.boards.model import Board, Column, Panel
from satudata.boards.summary import PERIOD
from satudata.indicators import INDICATORS

_VALIDITY: Final = INDICATORS["validity_rate"]
_LATE_AFTER_DAYS: Final = 7  # timeliness as the API's scorecard counts it (services/api/quality/scorecard.py)


def _month(column: str) -> str:
    return f"toStartOfMonth({column}, 'Asia/Makassar')"


def _window(column: str) -> str:
    month = _month(column)
    return f"{month} >= toStartOfMonth({{period_from:Date}}) AND {month} <= {{period_to:Date}}"


_FEED: Final = Column("feed", "Feed", "Feed", "text")
_SOURCE: Final = Column("source", "Sumber", "Source", "text")
_KABUPATEN: Final = Column("region", "Kabupaten/kota", "Kabupaten/city", "region", level="kabupaten")

VALIDITY_BY_UNIT: Final = Panel(
    id="validity-by-agency-feed",
    title_id="Validitas per instansi dan feed",
    title_en="Validity by agency and feed",
    kind="table",
    sql=(
        "SELECT a AS agency, f AS feed, if(d = 0, NULL, n / d) AS value, n AS numerator, d AS denominator FROM ("
        "SELECT toString(agency) AS a, toString(feed) AS f, countIf(outcome = 'clean') AS n, count() AS d "
        "FROM satudata.record_outcome FINAL WHERE event_date IS NOT NULL AND toStartOfMonth(event_date) = "
        "{period:Date} GROUP BY a, f) ORDER BY value NULLS LAST, agency, feed"
    ),
    columns=(
        Column("agency", "Instansi", "Agency", "text"),
        _FEED,
        Column("value", "Validitas", "Validity", "percent"),
        Column("numerator", "Rekaman diterima", "Records accepted", "count"),
        Column("denominator", "Rekaman masuk", "Records received", "count"),
    ),
    unit="percent",
    target=_VALIDITY.target,
    indicator=_VALIDITY.code,
    description_id=_VALIDITY.definition_id + "; bulan menurut tanggal rekaman itu sendiri.",
    description_en=_VALIDITY.definition_en + "; month by the record's own date.",
    width=12,
    height=10,
)

ALERTS_BY_KIND: Final = Panel(
    id="alerts-by-kind",
    title_id="Peringatan kualitas per jenis",
    title_en="Quality alerts by kind",
    kind="bar",
    sql=(
        "SELECT toString(kind) AS alert_kind, count() AS alerts FROM satudata.alerts FINAL "
        f"WHERE {_window('raised_at')} GROUP BY alert_kind ORDER BY alerts DESC, alert_kind"
    ),
    columns=(Column("alert_kind", "Jenis", "Kind", "text"), Column("alerts", "Peringatan", "Alerts", "count")),
    unit="count",
    width=8,
)

ALERTS: Final = Panel(
    id="alerts",
    title_id="Peringatan kualitas terbaru",
    title_en="Latest quality alerts",
    kind="table",
    sql=(
        "SELECT raised_at, toString(kind) AS alert_kind, toString(feed) AS alert_feed, source, "
        "kabupaten_code AS region, rule, value, threshold, message_id, message_en FROM satudata.alerts FINAL "
        f"WHERE {_window('raised_at')} ORDER BY raised_at DESC, alert_id DESC LIMIT 500"
    ),
    columns=(
        Column("raised_at", "Waktu", "Raised at", "date"),
        Column("alert_kind", "Jenis", "Kind", "text"),
        Column("alert_feed", "Feed", "Feed", "text"),
        _SOURCE,
        _KABUPATEN,
        Column("rule", "Aturan", "Rule", "text"),
        Column("value", "Nilai", "Value", "number"),
        Column("threshold", "Ambang", "Threshold", "number"),
        Column("message_id", "Pesan", "Message (Indonesian)", "text"),
        Column("message_en", "Pesan (Inggris)", "Message", "text"),
    ),
    audience="operator",
    width=16,
)

QUARANTINE_SERIES: Final = Panel(
    id="quarantine-volume",
    title_id="Volume karantina per bulan",
    title_en="Quarantine volume by month",
    kind="timeseries",
    sql=(
        f"SELECT {_month('received_at')} AS period, count() AS quarantined FROM satudata.quarantine FINAL "
        f"WHERE {_window('received_at')} GROUP BY period ORDER BY period"
    ),
    columns=(
        Column("period", "Bulan", "Month", "period"),
        Column("quarantined", "Rekaman dikarantina", "Records quarantined", "count"),
    ),
    unit="count",
)

QUARANTINE_RULES: Final = Panel(
    id="quarantine-by-rule",
    title_id="Karantina per feed dan aturan",
    title_en="Quarantine by feed and rule",
    kind="table",
    sql=(
        "SELECT f AS feed, r AS rule, count() AS records, countIf(status = 'open') AS still_open FROM ("
        "SELECT toString(feed) AS f, arrayJoin(rules) AS r, status FROM satudata.quarantine_current "
        f"WHERE {_window('received_at')}) GROUP BY feed, rule ORDER BY records DESC, feed, rule LIMIT 50"
    ),
    columns=(
        _FEED,
        Column("rule", "Aturan", "Rule", "text"),
        Column("records", "Rekaman", "Records", "count"),
        Column("still_open", "Masih terbuka", "Still open", "count"),
    ),
    unit="count",
)

LATENESS: Final = Panel(
    id="lateness-by-feed",
    title_id="Ketepatan waktu per feed",
    title_en="Timeliness by feed",
    kind="table",
    sql=(
        "SELECT f AS feed, received, dated, if(dated = 0, NULL, timely / dated) AS timeliness, median_days FROM ("
        f"SELECT toString(feed) AS f, count() AS received, countIf(lateness_days IS NOT NULL) AS dated, "
        f"countIf(lateness_days <= {_LATE_AFTER_DAYS}) AS timely, quantileExact(0.5)(lateness_days) AS median_days "
        f"FROM satudata.record_outcome FINAL WHERE {_month('received_at')} = {{period:Date}} GROUP BY f) "
        "ORDER BY timeliness NULLS LAST, feed"
    ),
    columns=(
        _FEED,
        Column("received", "Rekaman masuk", "Records received", "count"),
        Column("dated", "Rekaman bertanggal", "Records with a date", "count"),
        Column("timeliness", f"Tepat waktu (<= {_LATE_AFTER_DAYS} hari)", "Timely (<= 7 days)", "percent"),
        Column("median_days", "Median keterlambatan (hari)", "Median lateness (days)", "number"),
    ),
    description_id="Keterlambatan = tanggal terima (WITA) dikurangi tanggal rekaman; bulan menurut tanggal terima.",
    description_en="Lateness = the WITA date received minus the record's date; month by the date received.",
)

SILENT: Final = Panel(
    id="silent-units",
    title_id="Unit pelapor yang diam",
    title_en="Silent reporting units",
    kind="table",
    sql=(
        "SELECT f AS feed, s AS source, a AS agency, last_month AS records_last_month, last_at AS last_received "
        "FROM (SELECT toString(feed) AS f, source AS s, toString(any(agency)) AS a, max(received_at) AS last_at, "
        f"countIf({_month('received_at')} = addMonths({{period:Date}}, -1)) AS last_month, "
        f"countIf({_month('received_at')} = {{period:Date}}) AS this_month "
        "FROM satudata.record_outcome FINAL GROUP BY f, s) WHERE last_month > 0 AND this_month = 0 "
        "ORDER BY feed, source"
    ),
    columns=(
        _FEED,
        _SOURCE,
        Column("agency", "Instansi", "Agency", "text"),
        Column("records_last_month", "Rekaman bulan lalu", "Records last month", "count"),
        Column("last_received", "Terakhir diterima", "Last received", "date"),
    ),
    audience="official",
    description_id="Feed × sumber yang melapor bulan sebelumnya dan belum melapor pada bulan ini.",
    description_en="Feed × source that reported in the month before and not yet in this month.",
)

CONFLICTS_BY_FIELD: Final = Panel(
    id="conflicts-by-field",
    title_id="Data tidak sinkron antar instansi",
    title_en="Conflicts between agencies",
    kind="bar",
    sql=(
        "SELECT concat(toString(field), ': ', toString(feed_a), ' / ', toString(feed_b)) AS pair, "
        f"count() AS conflicts FROM satudata.conflicts FINAL WHERE {_window('detected_at')} "
        "GROUP BY pair ORDER BY conflicts DESC, pair"
    ),
    columns=(
        Column("pair", "Isian: feed / feed", "Field: feed / feed", "text"),
        Column("conflicts", "Konflik", "Conflicts", "count"),
    ),
    unit="count",
    width=8,
)

CONFLICTS: Final = Panel(
    id="conflicts",
    title_id="Konflik terbaru",
    title_en="Latest conflicts",
    kind="table",
    sql=(
        "SELECT detected_at, toString(field) AS conflict_field, toString(feed_a) AS first_feed, source_a, "
        "toString(feed_b) AS second_feed, source_b, kabupaten_code AS region FROM satudata.conflicts FINAL "
        f"WHERE {_window('detected_at')} ORDER BY detected_at DESC, conflict_id DESC LIMIT 500"
    ),
    columns=(
        Column("detected_at", "Waktu", "Detected at", "date"),
        Column("conflict_field", "Isian", "Field", "text"),
        Column("first_feed", "Feed pertama", "First feed", "text"),
        Column("source_a", "Sumber pertama", "First source", "text"),
        Column("second_feed", "Feed kedua", "Second feed", "text"),
        Column("source_b", "Sumber kedua", "Second source", "text"),
        _KABUPATEN,
    ),
    audience="operator",
    width=16,
)

BOARD: Final = Board(
    uid="kualitas-data",
    title_id="Kualitas Data",
    title_en="Data quality",
    description_id="Validitas, peringatan, karantina, ketepatan waktu, unit diam dan konflik antar instansi.",
    description_en="Validity, alerts, quarantine, timeliness, silent units and conflicts between agencies.",
    variables=(PERIOD,),
    panels=(
        ip.stat("validity_rate"),
        ip.series("validity_rate", width=18, height=5),
        VALIDITY_BY_UNIT,
        ip.breakdown("validity_rate", "kabupaten"),
        ALERTS_BY_KIND,
        ALERTS,
        QUARANTINE_SERIES,
        QUARANTINE_RULES,
        LATENESS,
        SILENT,
        CONFLICTS_BY_FIELD,
        CONFLICTS,
    ),
)
