"""All settings, read once from SATUDATA_* environment variables (and a .env file), validated at start."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me-development-only"  # noqa: S105 - a placeholder that is refused outside development


class KafkaSettings(BaseModel):
    bootstrap: str = "127.0.0.1:9092"
    partitions: int = Field(default=4, ge=1)


class SynthSettings(BaseModel):
    seed: int = 7


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SATUDATA_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    environment: str = Field(default="development", pattern="^(development|test|production)$")
    var_dir: Path = Path("var")
    clickhouse_url: str = "chdb:///var/clickhouse"
    hmac_secret: str = PLACEHOLDER_SECRET
    extreme_poverty_line_rp: dict[int, int] = Field(
        # Rp per capita per month; US$1.90 PPP/day ~ Rp 10,739/day (Pemprov NTT) x 30.4 days
        default_factory=lambda: {2022: 326_500, 2023: 326_500, 2024: 334_000, 2025: 341_000, 2026: 348_000}
    )
    small_cell_threshold: int = Field(default=5, ge=0)
    kafka: KafkaSettings = KafkaSettings()
    synth: SynthSettings = SynthSettings()

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
