-- Connect sessions: one browser sign-in at a workspace (U2M, PKCE), bound to the signed-in person, single-use and
-- short-lived. The state travels through the browser; only its SHA-256 is stored. The PKCE verifier is sealed by the
-- vault master key.
CREATE TABLE connect_sessions (
    id              VARCHAR(36)   NOT NULL PRIMARY KEY,
    state_hash      VARCHAR(64)   NOT NULL,
    tenant          VARCHAR(64)   NOT NULL,
    connection_name VARCHAR(64)   NOT NULL,
    subject         VARCHAR(255)  NOT NULL,
    verifier        VARCHAR(500)  NOT NULL,
    redirect_uri    VARCHAR(1000) NOT NULL,
    elicitation_id  VARCHAR(64),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at         TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX connect_sessions_state ON connect_sessions (state_hash);

-- Reconnect links handed to agents (MCP URL elicitation): which person must open it, for which connection, and the
-- MCP session to tell when it is done (notifications/elicitation/complete).
CREATE TABLE connect_elicitations (
    id              VARCHAR(64)   NOT NULL PRIMARY KEY,
    tenant          VARCHAR(64)   NOT NULL,
    connection_name VARCHAR(64)   NOT NULL,
    subject         VARCHAR(255)  NOT NULL,
    mcp_session_id  VARCHAR(128),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    completed_at    TIMESTAMP WITH TIME ZONE
);
