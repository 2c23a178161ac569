-- MCP session ids are now self-contained sealed tokens (any replica can take a session up from its id): up to 2048
-- characters instead of 43 random ones. ALTER COLUMN ... TYPE works on PostgreSQL and H2 (MODE=PostgreSQL) alike.
ALTER TABLE connect_elicitations ALTER COLUMN mcp_session_id TYPE VARCHAR(2048);
