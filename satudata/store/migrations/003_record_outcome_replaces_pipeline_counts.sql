-- record_outcome (002) replaced pipeline_counts: one row per event, whatever its outcome. The old table was never
-- written by a released service, so it goes, and record_outcome takes over its guard on the outcome's values.
DROP TABLE IF EXISTS satudata.pipeline_counts;

ALTER TABLE satudata.record_outcome ADD CONSTRAINT IF NOT EXISTS outcome_known CHECK outcome IN ('clean', 'quarantined');

-- The status columns 002 added are derived by the view above instead: one source of truth.
ALTER TABLE satudata.quarantine DROP COLUMN IF EXISTS status;
ALTER TABLE satudata.quarantine DROP COLUMN IF EXISTS resolved_at;
ALTER TABLE satudata.quarantine DROP COLUMN IF EXISTS resolved_by;

-- The quarantine as operators see it: a quarantined record is "resolved" when the same event later passed (a replay
-- after a contract fix), "replaced" when the agency's corrected record (same feed, source and record_id) passed after
-- it, else "open". Derived from record_outcome at read time, so no second write path can disagree with it.
CREATE VIEW IF NOT EXISTS satudata.quarantine_current AS
SELECT
    q.event_id AS event_id,
    q.feed AS feed,
    q.source AS source,
    q.desa_code AS desa_code,
    q.record_id AS record_id,
    q.rules AS rules,
    q.reasons AS reasons,
    q.event AS event,
    q.received_at AS received_at,
    multiIf(o.outcome = 'clean', 'resolved', c.latest > q.received_at, 'replaced', 'open') AS status,
    multiIf(o.outcome = 'clean', toNullable(o.received_at), c.latest > q.received_at, toNullable(c.latest), NULL)
        AS resolved_at,
    multiIf(o.outcome = 'clean', 'replay', c.latest > q.received_at, 'correction', '') AS resolved_by
FROM (SELECT * FROM satudata.quarantine FINAL) AS q
LEFT JOIN
(
    SELECT feed, event_id, outcome, received_at FROM satudata.record_outcome FINAL
) AS o ON o.feed = q.feed AND o.event_id = q.event_id
LEFT JOIN
(
    SELECT feed, source, record_id, max(received_at) AS latest
    FROM satudata.record_outcome FINAL
    WHERE outcome = 'clean' AND record_id != ''
    GROUP BY feed, source, record_id
) AS c ON c.feed = q.feed AND c.source = q.source AND c.record_id = q.record_id;
