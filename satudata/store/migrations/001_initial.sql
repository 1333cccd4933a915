-- The first schema: facts, partial aggregates, quarantine and the pipeline's own counts.
-- Region codes are stored as digits without dots, the way agencies send desa_code ('5301042003'); the API
-- accepts either form and converts. Every table that can receive the same key twice is a ReplacingMergeTree
-- and is read with FINAL, so a replay or a correction never double-counts.

CREATE DATABASE IF NOT EXISTS satudata;

CREATE TABLE IF NOT EXISTS satudata.schema_migrations
(
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
-- Replacing: two processes migrating a fresh server at once may both record a version; the duplicate collapses.
ENGINE = ReplacingMergeTree
ORDER BY version;

-- One row per child and month: the measurement that counts (the indicators service decides which one).
-- subject_hash is the HMAC of the NIK (or of rec:<record_id> without one); the NIK itself never lands here.
CREATE TABLE IF NOT EXISTS satudata.fact_child_measurement
(
    subject_hash String,
    period Date,
    desa_code String,
    kecamatan_code String,
    kabupaten_code String,
    event_id String,
    record_id String,
    source String,
    sex LowCardinality(String),
    birth_date Date,
    measure_date Date,
    age_days Int32,
    weight_kg Float64,
    height_cm Float64,
    measure_position LowCardinality(String),
    muac_cm Nullable(Float64),
    oedema UInt8,
    clenhei Nullable(Float64),
    zlen Nullable(Float64),
    zwei Nullable(Float64),
    zwfl Nullable(Float64),
    zbmi Nullable(Float64),
    zac Nullable(Float64),
    flen Nullable(UInt8),
    fwei Nullable(UInt8),
    fwfl Nullable(UInt8),
    fbmi Nullable(UInt8),
    fac Nullable(UInt8),
    event_time DateTime64(3, 'UTC'),
    ingested_at DateTime64(3, 'UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
-- A month per partition: the sorting key holds period, so a subject's versions always meet in one partition.
PARTITION BY toYYYYMM(period)
ORDER BY (period, subject_hash);

-- Each Kafka partition of the indicators service owns its own partial sums; readers SUM over partitions
-- after FINAL and up the region hierarchy (a ratio is never averaged).
CREATE TABLE IF NOT EXISTS satudata.indicator_value
(
    indicator LowCardinality(String),
    period Date,
    desa_code String,
    kecamatan_code String,
    kabupaten_code String,
    partition UInt16,
    numerator Int64,
    denominator Int64,
    version UInt64,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (indicator, period, kabupaten_code, kecamatan_code, desa_code, partition);

-- event holds the CloudEvent as received, NIK included: only authorised roles may read this column.
CREATE TABLE IF NOT EXISTS satudata.quarantine
(
    event_id String,
    feed LowCardinality(String),
    source String,
    desa_code String,
    record_id String,
    rules Array(String),
    reasons String,
    event String,
    received_at DateTime64(3, 'UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (feed, event_id);

-- One row per event and outcome, so that received = clean + quarantined can be checked with FINAL counts,
-- and an event that ended in both places shows up as two rows instead of hiding.
CREATE TABLE IF NOT EXISTS satudata.pipeline_counts
(
    feed LowCardinality(String),
    source String,
    outcome LowCardinality(String),
    event_id String,
    at DateTime64(3, 'UTC'),
    CONSTRAINT outcome_known CHECK outcome IN ('clean', 'quarantined')
)
ENGINE = ReplacingMergeTree
ORDER BY (feed, outcome, event_id);
