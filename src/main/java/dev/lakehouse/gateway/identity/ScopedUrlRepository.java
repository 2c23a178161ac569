package dev.lakehouse.gateway.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.lakehouse.gateway.db.SqlTime;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Scoped URL records in table {@code scoped_urls} (Spring JDBC; H2 file database by default, PostgreSQL in compose).
 * The table belongs to Flyway's migrations (db/migration/V1). Tokens are never stored: a record says
 * what a URL allows and whether it is revoked; the token's signature proves the rest.
 */
@Repository
public class ScopedUrlRepository {

    private static final String COLUMNS = "id, tenant, connection_name, tool_groups, tool_names, read_only, requires_token, "
            + "label, kid, created_at, expires_at, revoked_at";

    private final JdbcTemplate jdbc;

    public ScopedUrlRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(ScopedUrlRecord r) {
        jdbc.update("INSERT INTO scoped_urls (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                r.id(), r.tenant(), r.connection(), join(r.groups()), join(r.tools()), r.readOnly(), r.requiresToken(),
                r.label(), r.kid(), SqlTime.of(r.createdAt()), SqlTime.of(r.expiresAt()), SqlTime.of(r.revokedAt()));
    }

    public Optional<ScopedUrlRecord> find(String id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM scoped_urls WHERE id = ?", ScopedUrlRepository::row, id).stream().findFirst();
    }

    /** A tenant's URLs, oldest first. */
    public List<ScopedUrlRecord> list(String tenant) {
        return jdbc.query("SELECT " + COLUMNS + " FROM scoped_urls WHERE tenant = ? ORDER BY created_at, id",
                ScopedUrlRepository::row, tenant);
    }

    /** Revokes a tenant's URL (idempotent); false when the tenant has no URL of that id. */
    public boolean revoke(String tenant, String id, Instant at) {
        int updated = jdbc.update("UPDATE scoped_urls SET revoked_at = ? WHERE id = ? AND tenant = ? AND revoked_at IS NULL",
                SqlTime.of(at), id, tenant);
        return updated > 0 || find(id).filter(r -> r.tenant().equals(tenant)).isPresent();
    }

    private static ScopedUrlRecord row(ResultSet rs, int n) throws SQLException {
        return new ScopedUrlRecord(rs.getString("id"), rs.getString("tenant"), rs.getString("connection_name"),
                split(rs.getString("tool_groups")), split(rs.getString("tool_names")), rs.getBoolean("read_only"),
                rs.getBoolean("requires_token"), rs.getString("label"), rs.getString("kid"), SqlTime.read(rs, "created_at"),
                SqlTime.read(rs, "expires_at"), SqlTime.read(rs, "revoked_at"));
    }

    private static String join(List<String> values) {
        return values.isEmpty() ? null : String.join(",", values);
    }

    private static List<String> split(String value) {
        return value == null || value.isEmpty() ? List.of() : Arrays.asList(value.split(","));
    }


}
