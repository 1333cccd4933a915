"""All settings, read once from SATUDATA_* environment variables (and a .env file), validated at start."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me-development-only"


class KafkaSettings(BaseModel):
    bootstrap: str = "127.0.0.1:9092"
    partitions: int = Field(default=4, ge=1)
    # The rest only serve the local broker (`satudata kafka start`, `satudata up`); a real cluster needs none.
    # Its port is the one `bootstrap` names when that is a loopback address, else any free port.
    controller_port: int = Field(default=0, ge=0, le=65535)  # 0: any free port
    java: str = "java"  # a command on PATH or a path; Kafka 4 needs Java 17+
    mvn: str = "mvn"  # only needed once, to fetch the broker's jars
    jars_dir: Path | None = None  # None: ~/.cache/satudata/kafka-<version>
    heap: str = Field(default="512m", pattern=r"^\d+[mg]$")  # small: the broker shares 2 cores with the tests
    start_timeout_s: float = Field(default=90.0, gt=0)


class SynthSettings(BaseModel):
    seed: int = 7


class IngestSettings(BaseModel):
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    # How long ingest waits for the broker's confirmation before answering 503.
    publish_timeout_s: float = Field(default=30.0, gt=0)


class QualitySettings(BaseModel):
    # None: the contracts shipped with the code (contracts/ in a checkout, services/quality/contracts in a wheel).
    contracts_dir: Path | None = None
    # GX costs ~150 ms per batch whatever its size, so batches are cut by size or time, whichever comes first.
    batch_size: int = Field(default=5000, ge=1)
    batch_seconds: float = Field(default=1.0, gt=0)
    # A child measurement is ~0.5 KB; anything this big is junk, and quarantining it whole could exceed
    # the broker's message size, so only its beginning is kept.
    max_event_bytes: int = Field(default=64 * 1024, ge=1024)
    # Checks that need memory and the alerts (issue 4); services/quality/alerts.py says what each one means.
    late_after_days: int = Field(default=30, ge=0)
    alert_interval_s: float = Field(default=60.0, gt=0)
    validity_threshold: float = Field(default=0.9, ge=0, le=1)
    validity_min_records: int = Field(default=20, ge=1)
    volume_ratio: float = Field(default=0.3, ge=0, le=1)
    volume_min_weekly: float = Field(default=50.0, ge=0)
    conflict_burst: int = Field(default=5, ge=1)
    silence_day: int = Field(default=10, ge=1, le=28)
    # "compiled": each suite as polars expressions (services/quality/compiled), GX only for what they cannot
    # express; "gx": Great Expectations judges every batch. Every Nth batch of a feed GX re-checks the compiled
    # verdict (0: never); a difference raises an evaluator_mismatch alert and GX's verdict is used.
    evaluator: Literal["compiled", "gx"] = "compiled"
    gx_recheck_every: int = Field(default=100, ge=0)
    # None: alerts stay in ClickHouse and on the quality topic; else each is also POSTed here as JSON.
    webhook_url: str | None = None
    webhook_attempts: int = Field(default=4, ge=1)
    webhook_timeout_s: float = Field(default=10.0, gt=0)


class IndicatorsSettings(BaseModel):
    # Counting costs little per record; a batch is cut by size or time so that ClickHouse gets few, large
    # inserts and a lone record still shows within about a second.
    batch_size: int = Field(default=5000, ge=1)
    batch_seconds: float = Field(default=1.0, gt=0)
    # convergence_reach joins four feeds' facts in ClickHouse: recomputed for the months that changed this often
    convergence_interval_s: float = Field(default=5.0, gt=0)


class ApiSettings(BaseModel):
    # Indicator answers are summed from a snapshot of the indicator's counts at most this old (seconds); at most
    # the boards' 5 s refresh, which `Cache-Control: max-age=5` already allows; 0: every read queries ClickHouse.
    snapshot_seconds: float = Field(default=5.0, ge=0, le=5)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SATUDATA_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    environment: str = Field(default="development", pattern="^(development|test|production)$")
    var_dir: Path = Path("var")
    # None: embedded chDB in <var_dir>/clickhouse; else chdb:///<folder> or http(s)://user:pass@host:port
    clickhouse_url: str | None = None
    hmac_secret: str = PLACEHOLDER_SECRET
    extreme_poverty_line_rp: dict[int, int] = Field(
        # Rp per capita per month; US$1.90 PPP/day ~ Rp 10,739/day (Pemprov NTT) x 30.4 days
        default_factory=lambda: {2022: 326_500, 2023: 326_500, 2024: 334_000, 2025: 341_000, 2026: 348_000}
    )
    small_cell_threshold: int = Field(default=5, ge=0)
    kafka: KafkaSettings = KafkaSettings()
    synth: SynthSettings = SynthSettings()
    quality: QualitySettings = QualitySettings()
    indicators: IndicatorsSettings = IndicatorsSettings()
    ingest: IngestSettings = IngestSettings()
    api: ApiSettings = ApiSettings()

    @property
    def store_url(self) -> str:
        return self.clickhouse_url or f"chdb://{(self.var_dir / 'clickhouse').resolve()}"

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment == "production" and self.hmac_secret == PLACEHOLDER_SECRET:
            raise ValueError(
                "SATUDATA_HMAC_SECRET masih bawaan; tetapkan rahasia sendiri untuk produksi / "
                "SATUDATA_HMAC_SECRET is the placeholder; set a real secret in production"
            )
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
