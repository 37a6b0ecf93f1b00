-- The list endpoint filters by workspace and phase(s), fuzzily by user name, skips deleted rows and sorts by
-- creation time with id as tie-break. H2 uses an IN list (phase=Running,Pending) as an index condition only on an
-- index's first column, so the V1 (workspace_id, phase, ...) index scanned every row of the workspace. With phase
-- first and the filtered columns in the index, the count and the page's ids come from the index alone; only the
-- page's rows are read from the table.
DROP INDEX workloads_workspace_phase_created;
DROP INDEX workloads_phase_created;
CREATE INDEX workloads_phase_workspace_created ON workloads (phase, workspace_id, creation_time, id, deleted, user_name);
DROP INDEX workloads_workspace_created;
CREATE INDEX workloads_workspace_created ON workloads (workspace_id, creation_time, id, deleted, phase, user_name);
