-- Services, stateful apps and dev machines (restart policy Always, ports, rollouts). One column per statement, so
-- H2 and PostgreSQL read it alike.
-- port: the host port given to the pod (PORT); template: hash of the pod template it runs (rollouts compare it);
-- restart_at: when a Waiting pod is started again; crash_streak: the back-off exponent; retired: scaled down or
-- replaced, never restarted.
ALTER TABLE pods ADD COLUMN port INT DEFAULT 0 NOT NULL;
ALTER TABLE pods ADD COLUMN template VARCHAR(64) DEFAULT '' NOT NULL;
ALTER TABLE pods ADD COLUMN restart_at BIGINT;
ALTER TABLE pods ADD COLUMN crash_streak INT DEFAULT 0 NOT NULL;
ALTER TABLE pods ADD COLUMN retired BOOLEAN DEFAULT FALSE NOT NULL;
