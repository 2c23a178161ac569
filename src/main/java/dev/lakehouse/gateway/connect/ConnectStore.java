package dev.lakehouse.gateway.connect;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

import dev.lakehouse.gateway.db.SqlTime;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Connect sessions and reconnect links (tables of db/migration/V4); single use is a conditional update. */
@Repository
public class ConnectStore {

    private final JdbcTemplate jdbc;

    public ConnectStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One sign-in at a workspace in progress. {@code verifier} is sealed. */
    public record Session(String id, String tenant, String connection, String subject, String verifier, String redirectUri,
            String elicitationId, Instant createdAt, Instant expiresAt, Instant usedAt) {
    }

    /** A reconnect link handed to an agent. */
    public record Elicitation(String id, String tenant, String connection, String subject, String mcpSessionId,
            Instant createdAt, Instant expiresAt, Instant completedAt) {
    }

    public void insert(Session s, String state) {
        jdbc.update("INSERT INTO connect_sessions (id, state_hash, tenant, connection_name, subject, verifier, redirect_uri, "
                        + "elicitation_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                s.id(), hash(state), s.tenant(), s.connection(), s.subject(), s.verifier(), s.redirectUri(),
                s.elicitationId(), SqlTime.of(s.createdAt()), SqlTime.of(s.expiresAt()));
    }

    public Optional<Session> byState(String state) {
        return jdbc.query("SELECT * FROM connect_sessions WHERE state_hash = ?", ConnectStore::session, hash(state))
                .stream().findFirst();
    }

    /** Marks a session used; true only for the one request that did (a replayed callback gets false). */
    public boolean use(String id, Instant at) {
        return jdbc.update("UPDATE connect_sessions SET used_at = ? WHERE id = ? AND used_at IS NULL", SqlTime.of(at), id) == 1;
    }

    /** Forgets sessions and links that ended long ago (they only explain a late or replayed request). */
    public void sweep(Instant before) {
        jdbc.update("DELETE FROM connect_sessions WHERE expires_at < ?", SqlTime.of(before));
        jdbc.update("DELETE FROM connect_elicitations WHERE expires_at < ?", SqlTime.of(before));
    }

    public void insert(Elicitation e) {
        jdbc.update("INSERT INTO connect_elicitations (id, tenant, connection_name, subject, mcp_session_id, created_at, "
                        + "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)", e.id(), e.tenant(), e.connection(), e.subject(),
                e.mcpSessionId(), SqlTime.of(e.createdAt()), SqlTime.of(e.expiresAt()));
    }

    public Optional<Elicitation> elicitation(String id) {
        return jdbc.query("SELECT * FROM connect_elicitations WHERE id = ?", ConnectStore::elicitation, id).stream().findFirst();
    }

    /** Marks a link completed; true only once. */
    public boolean complete(String id, Instant at) {
        return jdbc.update("UPDATE connect_elicitations SET completed_at = ? WHERE id = ? AND completed_at IS NULL",
                SqlTime.of(at), id) == 1;
    }

    static String hash(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Session session(ResultSet rs, int row) throws SQLException {
        return new Session(rs.getString("id"), rs.getString("tenant"), rs.getString("connection_name"),
                rs.getString("subject"), rs.getString("verifier"), rs.getString("redirect_uri"),
                rs.getString("elicitation_id"), SqlTime.read(rs, "created_at"), SqlTime.read(rs, "expires_at"), SqlTime.read(rs, "used_at"));
    }

    private static Elicitation elicitation(ResultSet rs, int row) throws SQLException {
        return new Elicitation(rs.getString("id"), rs.getString("tenant"), rs.getString("connection_name"),
                rs.getString("subject"), rs.getString("mcp_session_id"), SqlTime.read(rs, "created_at"),
                SqlTime.read(rs, "expires_at"), SqlTime.read(rs, "completed_at"));
    }


}
