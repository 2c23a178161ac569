package dev.lakehouse.gateway.databricks.sql;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Which tenant connection started which statement. A statement handle is only usable by the tenant (and workspace
 * connection) that started it: another tenant presenting it is told the statement is unknown, as if it never
 * existed. Holds ids only (never data), bounded in count and kept as long as Databricks keeps results.
 */
@Component("statementOwners")
public class StatementOwners {

    private final Map<String, Owner> owners;
    private final long retentionMillis;

    record Owner(String connectionKey, long startedAt) {
    }

    public StatementOwners(@Value("${gateway.databricks.sql.handles-kept:100000}") int capacity,
            @Value("${gateway.databricks.sql.handle-retention:2h}") Duration retention) {
        this.retentionMillis = retention.toMillis();
        this.owners = new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Owner> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized void record(String statementId, WorkspaceConnection connection) {
        owners.putIfAbsent(statementId, new Owner(connection.key(), System.currentTimeMillis()));
    }

    public synchronized boolean owns(String statementId, WorkspaceConnection connection) {
        Owner owner = owners.get(statementId);
        if (owner != null && System.currentTimeMillis() - owner.startedAt() > retentionMillis) {
            owners.remove(statementId);
            return false;
        }
        return owner != null && owner.connectionKey().equals(connection.key());
    }
}
