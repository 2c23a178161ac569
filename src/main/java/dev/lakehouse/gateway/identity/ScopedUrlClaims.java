package dev.lakehouse.gateway.identity;

import java.util.List;

/**
 * What a scoped MCP URL's token says (all of it signed).
 *
 * @param id             random id of the URL (its record in the database, its subject {@code scoped-url:<id>})
 * @param kid            the signing key's id
 * @param tenant         the tenant the URL acts for
 * @param connection     the one workspace connection it may use
 * @param groups         allowed Databricks tool groups (empty: every group the connection exposes)
 * @param tools          allowed tool names (empty: no restriction by name); with groups, both must allow a tool
 * @param readOnly       state-changing tools are hidden and guarded writes (execute_sql) refused
 * @param expiresAt      epoch seconds after which the URL is refused
 * @param requiresToken  a Keycloak bearer token of the same tenant must come with each request (second factor)
 */
public record ScopedUrlClaims(String id, String kid, String tenant, String connection, List<String> groups,
        List<String> tools, boolean readOnly, long expiresAt, boolean requiresToken) {

    public ScopedUrlClaims {
        groups = groups == null ? List.of() : List.copyOf(groups);
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    ScopedUrlClaims withKid(String keyId) {
        return new ScopedUrlClaims(id, keyId, tenant, connection, groups, tools, readOnly, expiresAt, requiresToken);
    }
}
