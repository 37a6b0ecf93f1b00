-- Pods of every run (dispatch) of every workload. A pod row is written before its process is spawned, so a crash
-- in between leaves a row without a process, which start-up recovery marks Lost (never a process without a row).
CREATE TABLE pods (
    workload_id     VARCHAR(63)   NOT NULL,
    dispatch        INT           NOT NULL,
    pod_id          VARCHAR(253)  NOT NULL,
    ordinal         INT           NOT NULL,
    node            VARCHAR(63)   NOT NULL,
    rank_label      VARCHAR(16)   NOT NULL,
    container       VARCHAR(63)   NOT NULL,
    phase           VARCHAR(16)   NOT NULL,
    cpu_millis      BIGINT        NOT NULL,
    gpu             BIGINT        NOT NULL,
    memory_bytes    BIGINT        NOT NULL,
    ephemeral_bytes BIGINT        NOT NULL,
    gpu_indices     VARCHAR(256)  NOT NULL,
    start_time      BIGINT,
    end_time        BIGINT,
    exit_code       INT,
    reason          VARCHAR(64)   NOT NULL,
    message         VARCHAR(1024) NOT NULL,
    restart_count   INT           NOT NULL,
    released        BOOLEAN       NOT NULL,
    PRIMARY KEY (workload_id, dispatch, pod_id)
);

CREATE INDEX pods_phase ON pods (phase);
