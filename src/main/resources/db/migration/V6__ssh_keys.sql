-- SSH public keys users log in with (docs/SHELL.md). The SSH user name is the pod, so a key must name exactly one
-- Kiln user: the fingerprint (OpenSSH's "SHA256:<base64>" of the key blob) is unique across users.
CREATE TABLE ssh_keys (
    id          VARCHAR(32)   NOT NULL PRIMARY KEY,
    user_id     VARCHAR(63)   NOT NULL,
    name        VARCHAR(128)  NOT NULL,
    key_type    VARCHAR(64)   NOT NULL,
    public_key  VARCHAR(8192) NOT NULL,
    fingerprint VARCHAR(64)   NOT NULL,
    created_at  BIGINT        NOT NULL
);
CREATE UNIQUE INDEX ssh_keys_fingerprint ON ssh_keys (fingerprint);
CREATE INDEX ssh_keys_user ON ssh_keys (user_id);
