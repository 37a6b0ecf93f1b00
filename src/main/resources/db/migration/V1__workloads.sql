-- Workloads, kept forever (deleted ones are flagged, so an id is never reused).
-- Times are epoch milliseconds (UTC), which sort and compare the same on H2 and PostgreSQL.
CREATE TABLE workloads (
    id                VARCHAR(63)   NOT NULL PRIMARY KEY,
    uid               VARCHAR(36)   NOT NULL,
    workspace_id      VARCHAR(63)   NOT NULL,
    kind              VARCHAR(16)   NOT NULL,
    display_name      VARCHAR(256)  NOT NULL,
    description       VARCHAR(4096) NOT NULL,
    user_id           VARCHAR(128)  NOT NULL,
    user_name         VARCHAR(128)  NOT NULL,
    cluster_id        VARCHAR(63)   NOT NULL,
    phase             VARCHAR(16)   NOT NULL,
    message           VARCHAR(4096) NOT NULL,
    priority          INT           NOT NULL,
    creation_time     BIGINT        NOT NULL,
    start_time        BIGINT,
    end_time          BIGINT,
    deletion_time     BIGINT,
    dispatch_count    INT           NOT NULL,
    scheduler_order   INT           NOT NULL,
    retried           BOOLEAN       NOT NULL,
    stop_requested    BOOLEAN       NOT NULL,
    node_port         INT,
    k8s_object_uid    VARCHAR(64)   NOT NULL,
    deleted           BOOLEAN       NOT NULL,
    version           BIGINT        NOT NULL,
    spec              VARCHAR(1000000) NOT NULL,
    status            VARCHAR(1000000) NOT NULL
);

CREATE INDEX workloads_workspace_phase_created ON workloads (workspace_id, phase, creation_time, id);
CREATE INDEX workloads_workspace_created ON workloads (workspace_id, creation_time, id);
CREATE INDEX workloads_phase_created ON workloads (phase, creation_time, id);
CREATE INDEX workloads_created ON workloads (creation_time, id);
CREATE INDEX workloads_user_created ON workloads (user_id, creation_time);
CREATE INDEX workloads_node_port ON workloads (node_port);
