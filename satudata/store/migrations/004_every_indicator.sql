-- Every feed is counted now (issue 5). indicator_value gains the feed that owns a row: two feeds write the same
-- indicator (weighing_coverage: child_measurement the numerator, population the denominator) and each feed's
-- Kafka partitions own their own partial sums, so (feed, partition) together say who wrote a row. The table was
-- only ever written by the indicators service, whose state format changed with it: a development folder made
-- before this migration starts afresh (remove var/), so the table is recreated rather than altered.
DROP TABLE IF EXISTS satudata.indicator_value;

CREATE TABLE IF NOT EXISTS satudata.indicator_value
(
    indicator LowCardinality(String),
    period Date,
    desa_code String,
    kecamatan_code String,
    kabupaten_code String,
    feed LowCardinality(String),
    partition UInt16,
    numerator Int64,
    denominator Int64,
    version UInt64,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (indicator, period, kabupaten_code, kecamatan_code, desa_code, feed, partition);

-- The record that counts per feed, subject and month, for the feeds other than child_measurement (which keeps
-- its typed table). `record_values` holds what the indicator rules read (JSON, no NIK or KK number); `persons`
-- the HMACs of the people a record names (a family's children, an activity's beneficiary) and `kk_hash` the
-- HMAC of its KK number: the keys the convergence join uses.
CREATE TABLE IF NOT EXISTS satudata.fact_record
(
    feed LowCardinality(String),
    subject_hash String,
    period Date,
    desa_code String,
    kecamatan_code String,
    kabupaten_code String,
    event_id String,
    record_id String,
    source String,
    record_date Date,
    record_values String,
    persons Array(String),
    kk_hash String,
    event_time DateTime64(3, 'UTC'),
    ingested_at DateTime64(3, 'UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(period)
ORDER BY (feed, period, subject_hash);

-- The target children of convergence_reach per month (docs/indicators.md): one row per month and child, rewritten
-- by the indicators service's convergence job; a child that stops being a target keeps a row with target = 0.
CREATE TABLE IF NOT EXISTS satudata.convergence_target
(
    period Date,
    child_hash String,
    desa_code String,
    kecamatan_code String,
    kabupaten_code String,
    target UInt8,
    stunted UInt8,
    family_at_risk UInt8,
    extreme_poor UInt8,
    reached UInt8,
    kk_hash String,
    posyandu_id String,
    last_measure_date Nullable(Date),
    last_intervention_date Nullable(Date),
    version UInt64,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(period)
ORDER BY (period, kabupaten_code, desa_code, child_hash);

-- The posyandu of a measurement tells the cadres where to find a child the convergence list names.
ALTER TABLE satudata.fact_child_measurement ADD COLUMN IF NOT EXISTS posyandu_id String DEFAULT '' AFTER source;
