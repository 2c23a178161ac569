-- Scoped MCP URLs (what a URL allows, whether it is revoked; never the token). IF NOT EXISTS: gateway databases made
-- before Flyway managed the schema already hold this table.
CREATE TABLE IF NOT EXISTS scoped_urls (
    id              VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant          VARCHAR(200) NOT NULL,
    connection_name VARCHAR(200) NOT NULL,
    tool_groups     VARCHAR(1000),
    tool_names      VARCHAR(8000),
    read_only       BOOLEAN      NOT NULL,
    requires_token  BOOLEAN      NOT NULL,
    label           VARCHAR(200),
    kid             VARCHAR(64)  NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at      TIMESTAMP WITH TIME ZONE
);
CREATE INDEX IF NOT EXISTS scoped_urls_tenant ON scoped_urls (tenant);
