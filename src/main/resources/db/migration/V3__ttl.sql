-- When a finished workload's TTL runs out (end time + ttlSecondsAfterFinished); null while it runs and once its
-- runtime resources have been released. Indexed so the lifecycle loop finds due workloads without a scan.
ALTER TABLE workloads ADD COLUMN expires_at BIGINT;
CREATE INDEX workloads_expires ON workloads (expires_at);
