package dev.lakehouse.gateway.identity;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scoped MCP URL as stored (never its token: the token is shown once, when the URL is made).
 */
public record ScopedUrlRecord(String id, String tenant, String connection, List<String> groups, List<String> tools,
        boolean readOnly, boolean requiresToken, String label, String kid, Instant createdAt, Instant expiresAt,
        Instant revokedAt) {

    public ScopedUrlRecord {
        groups = groups == null ? List.of() : List.copyOf(groups);
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    public String status(Instant now) {
        return revokedAt != null ? "revoked" : now.isBefore(expiresAt) ? "active" : "expired";
    }

    /** The record as the admin API shows it (snake_case, ISO-8601 UTC times). */
    public Map<String, Object> toJson(Instant now) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("tenant", tenant);
        json.put("connection", connection);
        json.put("groups", groups);
        json.put("tools", tools);
        json.put("read_only", readOnly);
        json.put("requires_token", requiresToken);
        json.put("label", label);
        json.put("kid", kid);
        json.put("created_at", createdAt.toString());
        json.put("expires_at", expiresAt.toString());
        json.put("revoked_at", revokedAt == null ? null : revokedAt.toString());
        json.put("status", status(now));
        return json;
    }
}
