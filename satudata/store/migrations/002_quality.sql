-- Issue 4: what the quality gateway remembers per record, the conflicts between agencies, and the alerts.

-- One row per received event: its outcome and its rules. Keyed by event only, so an event re-validated after a
-- contract fix (replay) replaces its earlier outcome instead of standing in both. `version` is the validation time.
CREATE TABLE IF NOT EXISTS satudata.record_outcome
(
    feed LowCardinality(String),
    event_id String,
    source String,
    agency LowCardinality(String),
    record_id String,
    desa_code String,
    kabupaten_code String,
    outcome LowCardinality(String),
    errors Array(String),
    warnings Array(String),
    event_date Nullable(Date),
    received_at DateTime64(3, 'UTC'),
    lateness_days Nullable(Int32),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (feed, event_id);

-- Quarantine status: open until the agency's corrected record (same feed, source and record_id) passes, or a replay
-- after a contract fix lets the record itself pass.
ALTER TABLE satudata.quarantine ADD COLUMN IF NOT EXISTS status LowCardinality(String) DEFAULT 'open';
ALTER TABLE satudata.quarantine ADD COLUMN IF NOT EXISTS resolved_at Nullable(DateTime64(3, 'UTC'));
ALTER TABLE satudata.quarantine ADD COLUMN IF NOT EXISTS resolved_by String DEFAULT '';

-- The same person described differently by two agencies (birth date or sex): what makes data "tidak sinkron".
-- Keyed by the person's keyed hash and the two records, never by a NIK.
CREATE TABLE IF NOT EXISTS satudata.conflicts
(
    conflict_id String,
    subject_hash String,
    field LowCardinality(String),
    feed_a LowCardinality(String),
    source_a String,
    record_id_a String,
    value_a String,
    feed_b LowCardinality(String),
    source_b String,
    record_id_b String,
    value_b String,
    kabupaten_code String,
    detected_at DateTime64(3, 'UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (conflict_id);

CREATE TABLE IF NOT EXISTS satudata.alerts
(
    alert_id String,
    kind LowCardinality(String),
    feed LowCardinality(String),
    source String,
    kabupaten_code String,
    rule String,
    since DateTime64(3, 'UTC'),
    raised_at DateTime64(3, 'UTC'),
    value Float64,
    threshold Float64,
    example_record_id String,
    message_id String,
    message_en String,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (alert_id);
