-- The connection vault: tenants' workspace connections, their grants (credentials and tokens), and their history.
-- Secrets are AES-GCM ciphertexts (base64) under the connection's data key, which is itself wrapped by a master key
-- (data_key_kid names it). Nothing here is lakehouse data.

CREATE TABLE vault_connections (
    id                VARCHAR(36)  NOT NULL PRIMARY KEY,
    tenant            VARCHAR(64)  NOT NULL,
    name              VARCHAR(64)  NOT NULL,
    host              VARCHAR(500) NOT NULL,
    -- pat | oauth-m2m | oauth-u2m
    auth_method       VARCHAR(16)  NOT NULL,
    -- U2M: shared (one grant for the tenant) or per-user (each Keycloak user's own grant); others: shared
    grant_owner       VARCHAR(16)  NOT NULL,
    -- M2M service principal or U2M OAuth app
    client_id         VARCHAR(200),
    scopes            VARCHAR(500),
    -- U2M: the refresh token's maximum lifetime in this workspace (its token access policy), for keep-alive and expiry
    refresh_token_ttl_seconds BIGINT,
    -- the connection tool calls use when they name none
    is_default        BOOLEAN      NOT NULL,
    default_warehouse VARCHAR(64),
    read_only         BOOLEAN      NOT NULL,
    -- JSON objects: {"sql": "read", ...} and {"unity-catalog": {"rate": 5, "burst": 1, "policy": "absorb"}, ...}
    exposure          VARCHAR(2000),
    rate_limit_policy VARCHAR(16),
    rate_limits       VARCHAR(4000),
    -- the connection's data key, wrapped by master key data_key_kid
    data_key          VARCHAR(200) NOT NULL,
    data_key_kid      VARCHAR(64)  NOT NULL,
    disconnected_at   TIMESTAMP WITH TIME ZONE,
    created_by        VARCHAR(255),
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    -- optimistic concurrency of policy updates
    revision          BIGINT       NOT NULL
);
CREATE UNIQUE INDEX vault_connections_name ON vault_connections (tenant, name);

-- One credential of a connection: subject '' is the connection's own (PAT, service principal secret, shared U2M
-- grant); a per-user U2M connection has one row per Keycloak user (subject = the token's sub).
CREATE TABLE vault_grants (
    id                  VARCHAR(36)  NOT NULL PRIMARY KEY,
    connection_id       VARCHAR(36)  NOT NULL REFERENCES vault_connections (id) ON DELETE CASCADE,
    subject             VARCHAR(255) NOT NULL,
    -- the Databricks principal found at connect time (SCIM Me): user name or application id, and its id
    principal           VARCHAR(255),
    principal_id        VARCHAR(64),
    granted_scopes      VARCHAR(500),
    status              VARCHAR(24)  NOT NULL,
    status_reason       VARCHAR(1000),
    status_action       VARCHAR(1000),
    status_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    -- ciphertexts (null when absent): PAT or client secret; OAuth access and refresh tokens
    secret              VARCHAR(4000),
    access_token        VARCHAR(8000),
    refresh_token       VARCHAR(4000),
    -- known expiries: the secret's (PAT lifetime, service principal secret), the access token's, the refresh token's
    secret_expires_at   TIMESTAMP WITH TIME ZONE,
    access_expires_at   TIMESTAMP WITH TIME ZONE,
    refresh_expires_at  TIMESTAMP WITH TIME ZONE,
    -- the next background refresh (jittered), and the next keep-alive of an idle grant's refresh token
    refresh_due_at      TIMESTAMP WITH TIME ZONE,
    keepalive_due_at    TIMESTAMP WITH TIME ZONE,
    last_used_at        TIMESTAMP WITH TIME ZONE,
    -- consecutive failed refreshes (back-off of DEGRADED)
    failures            INTEGER      NOT NULL,
    -- the refresh lease: one instance refreshes a grant at a time; the version fences every write
    lease_owner         VARCHAR(64),
    lease_until         TIMESTAMP WITH TIME ZONE,
    version             BIGINT       NOT NULL,
    expiry_warned_at    TIMESTAMP WITH TIME ZONE,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX vault_grants_subject ON vault_grants (connection_id, subject);
CREATE INDEX vault_grants_due ON vault_grants (refresh_due_at);

-- What happened to connections (metadata only); the id is the webhook idempotency id.
CREATE TABLE vault_events (
    id              VARCHAR(36)   NOT NULL PRIMARY KEY,
    tenant          VARCHAR(64)   NOT NULL,
    connection_name VARCHAR(64)   NOT NULL,
    subject         VARCHAR(255),
    event_type      VARCHAR(40)   NOT NULL,
    status          VARCHAR(24)   NOT NULL,
    reason          VARCHAR(1000),
    action          VARCHAR(1000),
    occurred_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX vault_events_connection ON vault_events (tenant, connection_name, occurred_at);
