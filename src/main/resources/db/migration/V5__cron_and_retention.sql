-- Cron: which workloads have schedules (so the loop need not read the others), and per workload the last fire
-- time of each schedule entry plus the run count at its last cron restart (a restart renews the retry budget).
ALTER TABLE workloads ADD COLUMN has_cron BOOLEAN DEFAULT FALSE NOT NULL;
CREATE INDEX workloads_has_cron ON workloads (has_cron);

CREATE TABLE cron_state (
    workload_id VARCHAR(63)     NOT NULL PRIMARY KEY,
    state       VARCHAR(100000) NOT NULL
);

-- Log retention: a pod's logs outlive its TTL and are purged once the retention after its end has passed.
ALTER TABLE pods ADD COLUMN logs_purged BOOLEAN DEFAULT FALSE NOT NULL;
CREATE INDEX pods_end ON pods (end_time);
