package dev.lakehouse.gateway.vault;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.ratelimit.RateLimitPolicy;
import dev.lakehouse.gateway.ratelimit.RateLimitProperties;
import dev.lakehouse.gateway.tenant.TenantProperties;
import dev.lakehouse.gateway.db.SqlTime;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The vault's tables (Spring JDBC; SQL that H2 and PostgreSQL both accept; schema in db/migration/V2). Grant writes
 * are fenced: {@link #write} succeeds only if the row still has the version the writer read, and bumps it, so two
 * gateway instances can never both commit a refresh of one grant.
 */
@Repository
public class ConnectionRepository {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONNECTION_COLUMNS = "id, tenant, name, host, auth_method, grant_owner, client_id, scopes, "
            + "refresh_token_ttl_seconds, is_default, default_warehouse, read_only, exposure, rate_limit_policy, rate_limits, data_key, data_key_kid, "
            + "disconnected_at, created_by, created_at, updated_at, revision, azure_tenant_id, azure_resource_id, federation_audience";
    private static final String GRANT_COLUMNS = "id, connection_id, subject, principal, principal_id, granted_scopes, status, "
            + "status_reason, status_action, status_at, secret, access_token, refresh_token, secret_expires_at, "
            + "access_expires_at, refresh_expires_at, refresh_due_at, keepalive_due_at, last_used_at, failures, "
            + "lease_owner, lease_until, version, expiry_warned_at, created_at, updated_at";
    private static final String EVENT_COLUMNS = "id, tenant, connection_name, subject, event_type, status, reason, action, occurred_at";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    public ConnectionRepository(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    public TransactionTemplate transactions() {
        return transactions;
    }

    // --- connections ---------------------------------------------------------------------------------------------

    public void insert(VaultConnection c) {
        jdbc.update("INSERT INTO vault_connections (" + CONNECTION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                        + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                c.id(), c.tenant(), c.name(), c.host(), c.authMethod(), c.grantOwner(), c.clientId(), c.scopes(),
                c.refreshTokenTtlSeconds(), c.isDefault(), c.defaultWarehouse(), c.readOnly(), json(c.exposure()), c.rateLimitPolicy() == null ? null
                        : c.rateLimitPolicy().name().toLowerCase(Locale.ROOT), json(c.rateLimits()), c.dataKey(),
                c.dataKeyKid(), SqlTime.of(c.disconnectedAt()), c.createdBy(), SqlTime.of(c.createdAt()), SqlTime.of(c.updatedAt()),
                c.revision(), c.azureTenantId(), c.azureResourceId(), c.federationAudience());
    }

    /** The connection of this name (also a disconnected one, which keeps its history until replaced). */
    public Optional<VaultConnection> find(String tenant, String name) {
        return jdbc.query("SELECT " + CONNECTION_COLUMNS + " FROM vault_connections WHERE tenant = ? AND name = ?",
                ConnectionRepository::connection, tenant, name).stream().findFirst();
    }

    public Optional<VaultConnection> findById(String id) {
        return jdbc.query("SELECT " + CONNECTION_COLUMNS + " FROM vault_connections WHERE id = ?",
                ConnectionRepository::connection, id).stream().findFirst();
    }

    /** A tenant's connections by name. */
    public List<VaultConnection> list(String tenant) {
        return jdbc.query("SELECT " + CONNECTION_COLUMNS + " FROM vault_connections WHERE tenant = ? ORDER BY name",
                ConnectionRepository::connection, tenant);
    }

    /** Every connection (key rotation walks them). */
    public List<VaultConnection> all() {
        return jdbc.query("SELECT " + CONNECTION_COLUMNS + " FROM vault_connections ORDER BY tenant, name",
                ConnectionRepository::connection);
    }

    /** Policy fields and disconnection, if nobody changed the connection since {@code c.revision()} was read. */
    public boolean update(VaultConnection c) {
        return jdbc.update("UPDATE vault_connections SET is_default = ?, default_warehouse = ?, read_only = ?, exposure = ?, "
                        + "rate_limit_policy = ?, rate_limits = ?, disconnected_at = ?, updated_at = ?, revision = revision + 1 "
                        + "WHERE id = ? AND revision = ?",
                c.isDefault(), c.defaultWarehouse(), c.readOnly(), json(c.exposure()), c.rateLimitPolicy() == null ? null
                        : c.rateLimitPolicy().name().toLowerCase(Locale.ROOT), json(c.rateLimits()),
                SqlTime.of(c.disconnectedAt()), SqlTime.of(c.updatedAt()), c.id(), c.revision()) == 1;
    }

    /** Stores a data key re-wrapped by another master key, unless another instance re-wrapped it first. */
    public boolean rewrap(String connectionId, String oldKid, String wrapped, String kid) {
        return jdbc.update("UPDATE vault_connections SET data_key = ?, data_key_kid = ? WHERE id = ? AND data_key_kid = ?",
                wrapped, kid, connectionId, oldKid) == 1;
    }

    /** Removes a connection, its grants (cascade) and keeps its events (they name it, not its id). */
    public void delete(String connectionId) {
        jdbc.update("DELETE FROM vault_grants WHERE connection_id = ?", connectionId);
        jdbc.update("DELETE FROM vault_connections WHERE id = ?", connectionId);
    }

    public int count(String tenant) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM vault_connections WHERE tenant = ? AND disconnected_at IS NULL",
                Integer.class, tenant);
        return n == null ? 0 : n;
    }

    // --- grants ----------------------------------------------------------------------------------------------------

    public void insert(VaultGrant g) {
        jdbc.update("INSERT INTO vault_grants (" + GRANT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                        + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                g.id(), g.connectionId(), g.subject(), g.principal(), g.principalId(), g.grantedScopes(),
                g.status().name(), g.statusReason(), g.statusAction(), SqlTime.of(g.statusAt()), g.secret(), g.accessToken(),
                g.refreshToken(), SqlTime.of(g.secretExpiresAt()), SqlTime.of(g.accessExpiresAt()), SqlTime.of(g.refreshExpiresAt()),
                SqlTime.of(g.refreshDueAt()), SqlTime.of(g.keepaliveDueAt()), SqlTime.of(g.lastUsedAt()), g.failures(), g.leaseOwner(),
                SqlTime.of(g.leaseUntil()), g.version(), SqlTime.of(g.expiryWarnedAt()), SqlTime.of(g.createdAt()), SqlTime.of(g.updatedAt()));
    }

    public Optional<VaultGrant> grant(String connectionId, String subject) {
        return jdbc.query("SELECT " + GRANT_COLUMNS + " FROM vault_grants WHERE connection_id = ? AND subject = ?",
                ConnectionRepository::grant, connectionId, subject).stream().findFirst();
    }

    public Optional<VaultGrant> grant(String id) {
        return jdbc.query("SELECT " + GRANT_COLUMNS + " FROM vault_grants WHERE id = ?", ConnectionRepository::grant, id)
                .stream().findFirst();
    }

    public List<VaultGrant> grants(String connectionId) {
        return jdbc.query("SELECT " + GRANT_COLUMNS + " FROM vault_grants WHERE connection_id = ? ORDER BY subject",
                ConnectionRepository::grant, connectionId);
    }

    /**
     * Writes every field of {@code g} if the row still has version {@code g.version()}, and stores version + 1.
     * False: another instance wrote first (the caller re-reads).
     */
    public boolean write(VaultGrant g) {
        return write(g, null);
    }

    /** The same, and only while {@code leaseOwner} holds the row's refresh lease (a refresh's commit). */
    public boolean write(VaultGrant g, String leaseOwner) {
        return jdbc.update("UPDATE vault_grants SET principal = ?, principal_id = ?, granted_scopes = ?, status = ?, "
                        + "status_reason = ?, status_action = ?, status_at = ?, secret = ?, access_token = ?, refresh_token = ?, "
                        + "secret_expires_at = ?, access_expires_at = ?, refresh_expires_at = ?, refresh_due_at = ?, "
                        + "keepalive_due_at = ?, last_used_at = ?, failures = ?, lease_owner = ?, lease_until = ?, "
                        + "version = ?, expiry_warned_at = ?, updated_at = ? WHERE id = ? AND version = ?"
                        + (leaseOwner == null ? "" : " AND lease_owner = ?"),
                args(g, leaseOwner)) == 1;
    }

    private static Object[] args(VaultGrant g, String leaseOwner) {
        Object[] fields = {g.principal(), g.principalId(), g.grantedScopes(), g.status().name(), g.statusReason(),
                g.statusAction(), SqlTime.of(g.statusAt()), g.secret(), g.accessToken(), g.refreshToken(),
                SqlTime.of(g.secretExpiresAt()), SqlTime.of(g.accessExpiresAt()), SqlTime.of(g.refreshExpiresAt()), SqlTime.of(g.refreshDueAt()),
                SqlTime.of(g.keepaliveDueAt()), SqlTime.of(g.lastUsedAt()), g.failures(), g.leaseOwner(), SqlTime.of(g.leaseUntil()),
                g.version() + 1, SqlTime.of(g.expiryWarnedAt()), SqlTime.of(Instant.now()), g.id(), g.version()};
        if (leaseOwner == null) {
            return fields;
        }
        Object[] withOwner = java.util.Arrays.copyOf(fields, fields.length + 1);
        withOwner[fields.length] = leaseOwner;
        return withOwner;
    }

    /**
     * Takes the refresh lease of a grant read at {@code version}, unless another instance holds an unexpired lease or
     * wrote since. The version is not bumped (the ciphertexts stay bound to it); the refresh's commit is then fenced by
     * version and owner ({@link #write(VaultGrant, String)}), so an instance whose lease lapsed cannot commit.
     */
    public boolean claimLease(String grantId, long version, String owner, Instant now, Instant until) {
        return jdbc.update("UPDATE vault_grants SET lease_owner = ?, lease_until = ? "
                        + "WHERE id = ? AND version = ? AND (lease_until IS NULL OR lease_until < ?)",
                owner, SqlTime.of(until), grantId, version, SqlTime.of(now)) == 1;
    }

    /** Gives a lease back without writing (the refresh found nothing to do). */
    public void releaseLease(String grantId, String owner) {
        jdbc.update("UPDATE vault_grants SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?",
                grantId, owner);
    }

    /** Notes a use (not fenced: an older value written later is harmless, it only delays idleness). */
    public void touch(String grantId, Instant at) {
        jdbc.update("UPDATE vault_grants SET last_used_at = ? WHERE id = ?", SqlTime.of(at), grantId);
    }

    /** Marks the expiry warning as sent; true only for the one instance that marked it. */
    public boolean markExpiryWarned(String grantId, Instant at) {
        return jdbc.update("UPDATE vault_grants SET expiry_warned_at = ? WHERE id = ? AND expiry_warned_at IS NULL",
                SqlTime.of(at), grantId) == 1;
    }

    /**
     * Grants the background refresher should look at: serving ones whose refresh or keep-alive is due, whose hard
     * expiry passed or nears, and which no instance is refreshing right now.
     */
    public List<VaultGrant> due(Instant now, Instant warnBefore, int limit) {
        return jdbc.query("SELECT " + GRANT_COLUMNS + " FROM vault_grants WHERE status IN ('ACTIVE', 'DEGRADED') "
                        + "AND (lease_until IS NULL OR lease_until < ?) AND (refresh_due_at <= ? OR keepalive_due_at <= ? "
                        + "OR ((secret_expires_at <= ? OR refresh_expires_at <= ?) AND expiry_warned_at IS NULL) "
                        + "OR secret_expires_at <= ? OR refresh_expires_at <= ?) ORDER BY refresh_due_at LIMIT " + limit,
                ConnectionRepository::grant, SqlTime.of(now), SqlTime.of(now), SqlTime.of(now), SqlTime.of(warnBefore), SqlTime.of(warnBefore),
                SqlTime.of(now), SqlTime.of(now));
    }

    // --- events ----------------------------------------------------------------------------------------------------

    public void insert(ConnectionEvent e) {
        jdbc.update("INSERT INTO vault_events (" + EVENT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", e.id(), e.tenant(),
                e.connection(), e.subject(), e.type(), e.status().name(), e.reason(), e.action(), SqlTime.of(e.occurredAt()));
    }

    /** A connection's events, newest first. */
    public List<ConnectionEvent> events(String tenant, String connection, int limit) {
        return jdbc.query("SELECT " + EVENT_COLUMNS + " FROM vault_events WHERE tenant = ? AND connection_name = ? "
                        + "ORDER BY occurred_at DESC, id LIMIT " + limit, ConnectionRepository::event, tenant, connection);
    }

    // --- mapping ---------------------------------------------------------------------------------------------------

    private static VaultConnection connection(ResultSet rs, int row) throws SQLException {
        String policy = rs.getString("rate_limit_policy");
        return new VaultConnection(rs.getString("id"), rs.getString("tenant"), rs.getString("name"), rs.getString("host"),
                rs.getString("auth_method"), rs.getString("grant_owner"), rs.getString("client_id"), rs.getString("scopes"),
                (Long) rs.getObject("refresh_token_ttl_seconds", Long.class), rs.getBoolean("is_default"),
                rs.getString("default_warehouse"), rs.getBoolean("read_only"), exposure(rs.getString("exposure")),
                policy == null ? null : RateLimitPolicy.valueOf(policy.toUpperCase(Locale.ROOT)),
                rateLimits(rs.getString("rate_limits")), rs.getString("data_key"), rs.getString("data_key_kid"),
                SqlTime.read(rs, "disconnected_at"), rs.getString("created_by"), SqlTime.read(rs, "created_at"),
                SqlTime.read(rs, "updated_at"), rs.getLong("revision"), rs.getString("azure_tenant_id"),
                rs.getString("azure_resource_id"), rs.getString("federation_audience"));
    }

    private static VaultGrant grant(ResultSet rs, int row) throws SQLException {
        return new VaultGrant(rs.getString("id"), rs.getString("connection_id"), rs.getString("subject"),
                rs.getString("principal"), rs.getString("principal_id"), rs.getString("granted_scopes"),
                ConnectionStatus.valueOf(rs.getString("status")), rs.getString("status_reason"),
                rs.getString("status_action"), SqlTime.read(rs, "status_at"), rs.getString("secret"),
                rs.getString("access_token"), rs.getString("refresh_token"), SqlTime.read(rs, "secret_expires_at"),
                SqlTime.read(rs, "access_expires_at"), SqlTime.read(rs, "refresh_expires_at"), SqlTime.read(rs, "refresh_due_at"),
                SqlTime.read(rs, "keepalive_due_at"), SqlTime.read(rs, "last_used_at"), rs.getInt("failures"),
                rs.getString("lease_owner"), SqlTime.read(rs, "lease_until"), rs.getLong("version"),
                SqlTime.read(rs, "expiry_warned_at"), SqlTime.read(rs, "created_at"), SqlTime.read(rs, "updated_at"));
    }

    private static ConnectionEvent event(ResultSet rs, int row) throws SQLException {
        return new ConnectionEvent(rs.getString("id"), rs.getString("tenant"), rs.getString("connection_name"),
                rs.getString("subject"), rs.getString("event_type"), ConnectionStatus.valueOf(rs.getString("status")),
                rs.getString("reason"), rs.getString("action"), SqlTime.read(rs, "occurred_at"));
    }

    private static Map<String, TenantProperties.Exposure> exposure(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, String> raw = JSON.readValue(json, new TypeReference<Map<String, String>>() { });
            Map<String, TenantProperties.Exposure> exposure = new LinkedHashMap<>();
            raw.forEach((group, mode) -> exposure.put(group, TenantProperties.Exposure.valueOf(mode.toUpperCase(Locale.ROOT))));
            return exposure;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("vault_connections.exposure is not valid JSON");
        }
    }

    private static Map<String, RateLimitProperties.Family> rateLimits(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, RateLimitProperties.Family>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("vault_connections.rate_limits is not valid JSON");
        }
    }

    private static String json(Map<?, ?> map) {
        if (map == null || map.isEmpty()) {
            return null;
        }
        Map<String, Object> plain = new LinkedHashMap<>();
        map.forEach((k, v) -> plain.put(String.valueOf(k), v instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : v));
        try {
            return JSON.writeValueAsString(plain);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serializable: " + e.getOriginalMessage());
        }
    }


}
