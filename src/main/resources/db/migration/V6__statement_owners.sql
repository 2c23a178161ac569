-- Which tenant workspace connection started which SQL statement, so that any replica can tell whether a statement
-- handle an agent presents is its own (ids only, never data). Rows older than gateway.databricks.sql.handle-retention
-- are deleted.
CREATE TABLE statement_owners (
    statement_id    VARCHAR(128) PRIMARY KEY,
    connection_key  VARCHAR(512) NOT NULL,
    started_at      TIMESTAMP    NOT NULL
);
CREATE INDEX statement_owners_started ON statement_owners (started_at);
