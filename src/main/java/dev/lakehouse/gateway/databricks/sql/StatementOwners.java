package dev.lakehouse.gateway.databricks.sql;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.lakehouse.gateway.db.SqlTime;
import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which tenant connection started which statement. A statement handle is only usable by the tenant (and workspace
 * connection) that started it: another tenant presenting it is told the statement is unknown, as if it never
 * existed. Kept in the gateway database (table statement_owners), so an agent may submit on one replica and fetch
 * the result on another; a bounded cache of this replica's own answers saves the database a read for most handles.
 * Holds ids only (never data), as long as Databricks keeps results (gateway.databricks.sql.handle-retention).
 */
@Component("statementOwners")
public class StatementOwners {

    /** Expired rows are deleted at most this often (a DELETE on the started_at index). */
    private static final long PURGE_EVERY_MILLIS = 60_000;

    private final JdbcTemplate jdbc;
    private final Map<String, Owner> cache;
    private final long retentionMillis;
    private final AtomicLong lastPurge = new AtomicLong();

    record Owner(String connectionKey, long startedAt) {
    }

    public StatementOwners(JdbcTemplate jdbc, @Value("${gateway.databricks.sql.handles-kept:100000}") int capacity,
            @Value("${gateway.databricks.sql.handle-retention:2h}") Duration retention) {
        this.jdbc = jdbc;
        this.retentionMillis = retention.toMillis();
        this.cache = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Owner> eldest) {
                return size() > capacity;
            }
        };
    }

    public void record(String statementId, WorkspaceConnection connection) {
        long now = System.currentTimeMillis();
        Owner owner = new Owner(connection.key(), now);
        synchronized (this) {
            if (cache.putIfAbsent(statementId, owner) != null) {
                return;
            }
        }
        try {
            jdbc.update("INSERT INTO statement_owners (statement_id, connection_key, started_at) VALUES (?, ?, ?)",
                    statementId, owner.connectionKey(), SqlTime.of(Instant.ofEpochMilli(now)));
        } catch (DuplicateKeyException alreadyRecorded) {
            // the first owner stays the owner
        }
        purgeExpired(now);
    }

    public boolean owns(String statementId, WorkspaceConnection connection) {
        Owner owner;
        synchronized (this) {
            owner = cache.get(statementId);
        }
        if (owner == null) {
            List<Owner> stored = jdbc.query("SELECT connection_key, started_at FROM statement_owners WHERE statement_id = ?",
                    (rs, n) -> new Owner(rs.getString("connection_key"), SqlTime.read(rs, "started_at").toEpochMilli()),
                    statementId);
            if (stored.isEmpty()) {
                return false;
            }
            owner = stored.get(0);
            synchronized (this) {
                cache.put(statementId, owner);
            }
        }
        if (System.currentTimeMillis() - owner.startedAt() > retentionMillis) {
            synchronized (this) {
                cache.remove(statementId);
            }
            return false;
        }
        return owner.connectionKey().equals(connection.key());
    }

    private void purgeExpired(long now) {
        long last = lastPurge.get();
        if (now - last >= PURGE_EVERY_MILLIS && lastPurge.compareAndSet(last, now)) {
            jdbc.update("DELETE FROM statement_owners WHERE started_at < ?",
                    SqlTime.of(Instant.ofEpochMilli(now - retentionMillis)));
        }
    }
}
