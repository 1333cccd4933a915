"""The CloudEvents envelope, the feed registry and every topic name.

This is the only module that spells a topic or an event type: services import these names.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

SPECVERSION = "1.0"
DATACONTENTTYPE = "application/json"
TYPE_PREFIX = "id.ntt.satudata."
QUALITY_TOPIC = "satudata.quality.v1"
#: Event ids published from uploaded files (key = event id), so that a file uploaded again publishes nothing new.
UPLOADS_TOPIC = "satudata.uploads.v1"
#: The indicators service's answers to a rebuild request (`satudata indicators rebuild`): one per feed × partition.
INDICATOR_REBUILDS_TOPIC = "satudata.indicators.rebuilds.v1"
#: API key records (key = key id, value = the record as JSON, hashed secret only); a revoke writes the record again.
KEYS_TOPIC = "satudata.keys.v1"
#: Topic settings other than the broker's defaults. The upload ledger and the keys need only the latest record per id.
TOPIC_CONFIGS: dict[str, dict[str, str]] = {
    UPLOADS_TOPIC: {"cleanup.policy": "compact"},
    KEYS_TOPIC: {"cleanup.policy": "compact"},
}

FieldKind = Literal["str", "date", "float", "int", "bool", "nik", "kk", "desa", "nik_list"]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: FieldKind
    nullable: bool = False


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed: what an agency publishes, with the date that places a record in its period."""

    name: str
    agency: str
    fields: tuple[Field, ...]
    date_field: str
    subject_key: tuple[str, ...]  # who or what the record is about: a later record with the same key corrects it
    version: int = 1

    @property
    def event_type(self) -> str:
        return f"{TYPE_PREFIX}{self.name}.v{self.version}"

    @property
    def raw_topic(self) -> str:
        return f"satudata.raw.{self.name}.v{self.version}"

    @property
    def clean_topic(self) -> str:
        return f"satudata.clean.{self.name}.v{self.version}"

    @property
    def quarantine_topic(self) -> str:
        return f"satudata.quarantine.{self.name}.v{self.version}"

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _f(name: str, kind: FieldKind, nullable: bool = False) -> Field:
    return Field(name, kind, nullable)


_COMMON_TAIL = (_f("desa_code", "desa"),)

FEEDS: dict[str, Feed] = {
    feed.name: feed
    for feed in (
        Feed(
            "child_measurement",
            "Dinas Kesehatan (Posyandu / Puskesmas)",
            (
                _f("record_id", "str"),
                _f("child_nik", "nik", nullable=True),
                _f("sex", "str"),
                _f("birth_date", "date"),
                _f("measure_date", "date"),
                _f("weight_kg", "float"),
                _f("height_cm", "float"),
                _f("measure_position", "str"),
                _f("muac_cm", "float", nullable=True),
                _f("oedema", "bool"),
                _f("posyandu_id", "str"),
                *_COMMON_TAIL,
            ),
            date_field="measure_date",
            subject_key=("child_nik",),
        ),
        Feed(
            "pregnancy_check",
            "Dinas Kesehatan (Puskesmas / bidan)",
            (
                _f("record_id", "str"),
                _f("mother_nik", "nik", nullable=True),
                _f("kk_number", "kk", nullable=True),
                _f("birth_date", "date"),
                _f("check_date", "date"),
                _f("gestational_week", "int"),
                _f("hb_g_dl", "float", nullable=True),
                _f("muac_cm", "float", nullable=True),
                _f("weight_kg", "float", nullable=True),
                _f("height_cm", "float", nullable=True),
                _f("puskesmas_id", "str"),
                *_COMMON_TAIL,
            ),
            date_field="check_date",
            subject_key=("mother_nik",),
        ),
        Feed(
            "family_risk",
            "BKKBN (Tim Pendamping Keluarga)",
            (
                _f("record_id", "str"),
                _f("kk_number", "kk"),
                _f("head_nik", "nik", nullable=True),
                _f("assessment_date", "date"),
                _f("has_under_five", "bool"),
                _f("has_pregnant", "bool"),
                _f("safe_water", "bool"),
                _f("proper_latrine", "bool"),
                _f("mother_too_young", "bool"),
                _f("mother_too_old", "bool"),
                _f("births_too_close", "bool"),
                _f("too_many_children", "bool"),
                _f("child_niks", "nik_list"),
                _f("tpk_id", "str"),
                *_COMMON_TAIL,
            ),
            date_field="assessment_date",
            subject_key=("kk_number",),
        ),
        Feed(
            "bride_screening",
            "BKKBN (Elsimil)",
            (
                _f("record_id", "str"),
                _f("nik", "nik"),
                _f("sex", "str"),
                _f("birth_date", "date"),
                _f("screening_date", "date"),
                _f("hb_g_dl", "float", nullable=True),
                _f("muac_cm", "float", nullable=True),
                _f("height_cm", "float", nullable=True),
                _f("weight_kg", "float", nullable=True),
                _f("planned_marriage_date", "date", nullable=True),
                *_COMMON_TAIL,
            ),
            date_field="screening_date",
            subject_key=("nik",),
        ),
        Feed(
            "household_welfare",
            "Dinas Sosial / Bappeda (P3KE, DTSEN)",
            (
                _f("record_id", "str"),
                _f("kk_number", "kk"),
                _f("head_nik", "nik", nullable=True),
                _f("members", "int"),
                _f("per_capita_expenditure_rp", "int"),
                _f("welfare_decile", "int"),
                _f("receives_pkh", "bool"),
                _f("receives_bpnt", "bool"),
                _f("receives_pbi", "bool"),
                _f("child_niks", "nik_list"),
                _f("reference_date", "date"),
                *_COMMON_TAIL,
            ),
            date_field="reference_date",
            subject_key=("kk_number",),
        ),
        Feed(
            "wash_access",
            "Dinas PUPR / Dinas Kesehatan (STBM)",
            (
                _f("record_id", "str"),
                _f("kk_number", "kk"),
                _f("water_source_class", "str"),
                _f("sanitation_class", "str"),
                _f("open_defecation", "bool"),
                _f("survey_date", "date"),
                *_COMMON_TAIL,
            ),
            date_field="survey_date",
            subject_key=("kk_number",),
        ),
        Feed(
            "program_activity",
            "GENTING, TAMASYA, GATI, SIDAYA, pelatihan kader Posyandu",
            (
                _f("record_id", "str"),
                _f("programme", "str"),
                _f("activity_type", "str"),
                _f("beneficiary_nik", "nik", nullable=True),
                _f("beneficiary_kk", "kk", nullable=True),
                _f("provider_id", "str"),
                _f("activity_date", "date"),
                _f("quantity", "float"),
                *_COMMON_TAIL,
            ),
            date_field="activity_date",
            subject_key=("record_id",),
        ),
        Feed(
            "population",
            "BPS / Dukcapil",
            (
                _f("record_id", "str"),
                _f("year", "int"),
                _f("age_group", "str"),
                _f("sex", "str"),
                _f("count", "int"),
                *_COMMON_TAIL,
            ),
            date_field="year",
            subject_key=("desa_code", "year", "age_group", "sex"),
        ),
    )
}

#: Controlled vocabularies shared by the contracts and the synthetic feeds.
SEXES = ("L", "P")
MEASURE_POSITIONS = ("lying", "standing")
WATER_SOURCE_CLASSES = ("safely_managed", "basic", "limited", "unimproved", "surface_water")
SANITATION_CLASSES = ("safely_managed", "basic", "limited", "unimproved", "open_defecation")
POPULATION_AGE_GROUPS = ("0-4", "5-14", "15-49", "50+")
PROGRAMMES = ("genting", "tamasya", "gati", "sidaya", "cadre_training", "posyandu")
#: program_activity.activity_type, by programme.
ACTIVITY_TYPES: dict[str, tuple[str, ...]] = {
    "genting": ("food_package", "nutrition_counselling"),
    "tamasya": ("daycare_attendance",),
    "gati": ("father_class",),
    "sidaya": ("elderly_class",),
    "cadre_training": ("training_session",),
    "posyandu": ("supplementary_feeding", "vitamin_a", "counselling", "home_visit"),
}


class UnknownFeedError(KeyError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.feed = name

    def __str__(self) -> str:
        known = ", ".join(FEEDS)
        return f"feed tidak dikenal / unknown feed {self.feed!r}; dikenal / known: {known}"


def feed(name: str) -> Feed:
    try:
        return FEEDS[name]
    except KeyError:
        raise UnknownFeedError(name) from None


def feed_for_type(event_type: str) -> Feed | None:
    return _BY_TYPE.get(event_type)


_BY_TYPE = {f.event_type: f for f in FEEDS.values()}


def all_topics() -> list[str]:
    """Every topic the system uses, for explicit creation (auto-creation is off)."""
    per_feed = [t for f in FEEDS.values() for t in (f.raw_topic, f.clean_topic, f.quarantine_topic)]
    return [*per_feed, QUALITY_TOPIC, UPLOADS_TOPIC, INDICATOR_REBUILDS_TOPIC, KEYS_TOPIC]


def make_event(
    feed_name: str,
    data: dict[str, Any],
    *,
    source: str,
    event_id: str | None = None,
    time: datetime | None = None,
) -> dict[str, Any]:
    """A structured-mode CloudEvent 1.0; the subject is the desa code, which is also the Kafka key."""
    f = feed(feed_name)
    return {
        "specversion": SPECVERSION,
        "id": event_id or str(uuid.uuid4()),
        "source": source,
        "type": f.event_type,
        "time": (time or datetime.now(UTC)).isoformat().replace("+00:00", "Z"),
        "subject": data.get("desa_code"),
        "datacontenttype": DATACONTENTTYPE,
        "data": data,
    }
