package dev.lakehouse.gateway.vault.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lakehouse.gateway.db.SqlTime;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Tables {@code vault_webhooks} and {@code vault_webhook_deliveries} (db/migration/V3), in SQL that H2 (PostgreSQL
 * mode) and PostgreSQL both run. Times are the application's clock; leases are long enough (seconds) that the
 * small skew between instances does not matter.
 */
@Repository
public class WebhookStore {

    private static final String PENDING = "delivered_at IS NULL AND failed_at IS NULL";

    private final JdbcTemplate jdbc;

    public WebhookStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A tenant's endpoint; {@code sealedSecret} is the ciphertext, opened only to sign. */
    public record Webhook(String tenant, String url, String sealedSecret, boolean enabled, Instant createdAt,
            Instant updatedAt) {
    }

    /** One event's delivery, as the admin API lists it (no payload). */
    public record Delivery(String id, String type, int attempts, Instant nextAttemptAt, Instant deliveredAt,
            Instant failedAt, Integer lastStatus, String lastError, Instant createdAt) {

        /** pending, delivered or failed */
        public String status() {
            return deliveredAt != null ? "delivered" : failedAt != null ? "failed" : "pending";
        }
    }

    /**
     * A delivery this instance holds for one attempt ({@code owner} fences the writes that follow), with its tenant's
     * endpoint as it is now ({@code url} null when the tenant has none any more).
     */
    public record Claim(String id, String tenant, String type, String payload, int attempts, String owner, String url,
            String sealedSecret, boolean enabled) {
    }

    /** What a tenant's signing secret is sealed to (EnvelopeCipher): a sealed secret copied to another tenant does not open. */
    public static String secretContext(String tenant) {
        return "webhook|" + tenant;
    }

    public Optional<Webhook> find(String tenant) {
        return jdbc.query("SELECT tenant, url, secret, enabled, created_at, updated_at FROM vault_webhooks WHERE tenant = ?",
                (rs, n) -> new Webhook(rs.getString("tenant"), rs.getString("url"), rs.getString("secret"),
                        rs.getBoolean("enabled"), SqlTime.read(rs, "created_at"), SqlTime.read(rs, "updated_at")), tenant)
                .stream().findFirst();
    }

    /** Creates or replaces a tenant's endpoint; true when it was created. */
    public boolean save(String tenant, String url, String sealedSecret, boolean enabled, Instant now) {
        if (update(tenant, url, sealedSecret, enabled, now)) {
            return false;
        }
        try {
            jdbc.update("INSERT INTO vault_webhooks (tenant, url, secret, enabled, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", tenant, url, sealedSecret, enabled, SqlTime.of(now), SqlTime.of(now));
            return true;
        } catch (DuplicateKeyException concurrentPut) {
            update(tenant, url, sealedSecret, enabled, now);   // the other PUT created it first: last writer wins
            return false;
        }
    }

    private boolean update(String tenant, String url, String sealedSecret, boolean enabled, Instant now) {
        return jdbc.update("UPDATE vault_webhooks SET url = ?, secret = ?, enabled = ?, updated_at = ? WHERE tenant = ?",
                url, sealedSecret, enabled, SqlTime.of(now), tenant) > 0;
    }

    /** Removes a tenant's endpoint and gives up its pending deliveries (kept, marked failed); false when none. */
    public boolean delete(String tenant, Instant now) {
        boolean deleted = jdbc.update("DELETE FROM vault_webhooks WHERE tenant = ?", tenant) > 0;
        if (deleted) {
            jdbc.update("UPDATE vault_webhook_deliveries SET failed_at = ?, next_attempt_at = NULL, lease_owner = NULL, "
                    + "lease_until = NULL, last_error = 'webhook deleted' WHERE tenant = ? AND " + PENDING, SqlTime.of(now), tenant);
        }
        return deleted;
    }

    /** A tenant's most recent deliveries, newest first. */
    public List<Delivery> deliveries(String tenant, int limit) {
        return jdbc.query("SELECT id, event_type, attempts, next_attempt_at, delivered_at, failed_at, last_status, "
                + "last_error, created_at FROM vault_webhook_deliveries WHERE tenant = ? ORDER BY created_at DESC, id "
                + "LIMIT ?", (rs, n) -> new Delivery(rs.getString("id"), rs.getString("event_type"), rs.getInt("attempts"),
                        SqlTime.read(rs, "next_attempt_at"), SqlTime.read(rs, "delivered_at"), SqlTime.read(rs, "failed_at"),
                        rs.getObject("last_status", Integer.class), rs.getString("last_error"), SqlTime.read(rs, "created_at")),
                tenant, limit);
    }

    /**
     * Queues an event for the tenant's endpoint, in one statement: nothing when the tenant has no enabled endpoint,
     * nothing when the event is already queued (an event is delivered once per incident). True when queued.
     */
    public boolean enqueue(String id, String tenant, String type, String payload, Instant now) {
        return jdbc.update("INSERT INTO vault_webhook_deliveries (id, tenant, event_type, payload, attempts, "
                + "next_attempt_at, created_at) SELECT ?, w.tenant, ?, ?, 0, ?, ? FROM vault_webhooks w "
                + "WHERE w.tenant = ? AND w.enabled = TRUE "
                + "AND NOT EXISTS (SELECT 1 FROM vault_webhook_deliveries d WHERE d.id = ?)",
                id, type, payload, SqlTime.of(now), SqlTime.of(now), tenant, id) > 0;
    }

    /** Ids of deliveries due now and not held by a live lease, the longest waiting first. */
    public List<String> due(Instant now, int limit) {
        return jdbc.queryForList("SELECT id FROM vault_webhook_deliveries WHERE " + PENDING + " AND next_attempt_at <= ? "
                + "AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at, id LIMIT ?", String.class,
                SqlTime.of(now), SqlTime.of(now), limit);
    }

    /**
     * Claims one delivery for an attempt. The UPDATE re-checks that it is due and unleased, so of two instances
     * that race for it one updates a row and the other none (the database serializes the two writes to the row).
     * The attempt is counted here, so an instance that dies mid-POST still used one attempt.
     */
    public Optional<Claim> claim(String id, String owner, Instant now, Instant leaseUntil) {
        int claimed = jdbc.update("UPDATE vault_webhook_deliveries SET lease_owner = ?, lease_until = ?, "
                + "attempts = attempts + 1 WHERE id = ? AND " + PENDING + " AND next_attempt_at <= ? "
                + "AND (lease_until IS NULL OR lease_until < ?)", owner, SqlTime.of(leaseUntil), id, SqlTime.of(now), SqlTime.of(now));
        if (claimed == 0) {
            return Optional.empty();
        }
        return jdbc.query("SELECT d.id, d.tenant, d.event_type, d.payload, d.attempts, d.lease_owner, w.url, w.secret, "
                + "w.enabled FROM vault_webhook_deliveries d LEFT JOIN vault_webhooks w ON w.tenant = d.tenant "
                + "WHERE d.id = ? AND d.lease_owner = ?", (rs, n) -> new Claim(rs.getString("id"), rs.getString("tenant"),
                        rs.getString("event_type"), rs.getString("payload"), rs.getInt("attempts"),
                        rs.getString("lease_owner"), rs.getString("url"), rs.getString("secret"), rs.getBoolean("enabled")),
                id, owner).stream().findFirst();
    }

    /** The receiver took it (2xx). False when the lease was lost to another instance. */
    public boolean delivered(Claim claim, int status, Instant now) {
        return jdbc.update("UPDATE vault_webhook_deliveries SET delivered_at = ?, next_attempt_at = NULL, last_status = ?, "
                + "last_error = NULL, lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?",
                SqlTime.of(now), status, claim.id(), claim.owner()) > 0;
    }

    /** The attempt failed: try again at {@code nextAttemptAt}. */
    public boolean retry(Claim claim, Integer status, String error, Instant nextAttemptAt) {
        return jdbc.update("UPDATE vault_webhook_deliveries SET next_attempt_at = ?, last_status = ?, last_error = ?, "
                + "lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?",
                SqlTime.of(nextAttemptAt), status, error, claim.id(), claim.owner()) > 0;
    }

    /** The last attempt failed, or there is nowhere to deliver: kept as failed. */
    public boolean failed(Claim claim, Integer status, String error, Instant now) {
        return jdbc.update("UPDATE vault_webhook_deliveries SET failed_at = ?, next_attempt_at = NULL, last_status = ?, "
                + "last_error = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?",
                SqlTime.of(now), status, error, claim.id(), claim.owner()) > 0;
    }


}
