package dev.lakehouse.gateway.vault;

import java.time.Instant;
import java.util.Map;

import dev.lakehouse.gateway.ratelimit.RateLimitPolicy;
import dev.lakehouse.gateway.ratelimit.RateLimitProperties;
import dev.lakehouse.gateway.tenant.TenantProperties;

/**
 * A workspace connection held in the vault (table {@code vault_connections}): where it points, how it authenticates,
 * and the tenant's policy for it. Its secrets are in its grants; its data key is stored wrapped.
 *
 * @param grantOwner {@code shared} (one grant for the tenant) or {@code per-user} (U2M: each Keycloak user's own)
 * @param refreshTokenTtlSeconds U2M: the workspace's refresh token lifetime, when the admin told us (else the default)
 * @param isDefault  the connection tool calls use when they name none
 * @param revision   bumped by every policy change (optimistic concurrency)
 */
public record VaultConnection(String id, String tenant, String name, String host, String authMethod, String grantOwner,
        String clientId, String scopes, Long refreshTokenTtlSeconds, boolean isDefault, String defaultWarehouse,
        boolean readOnly,
        Map<String, TenantProperties.Exposure> exposure, RateLimitPolicy rateLimitPolicy,
        Map<String, RateLimitProperties.Family> rateLimits, String dataKey, String dataKeyKid, Instant disconnectedAt,
        String createdBy, Instant createdAt, Instant updatedAt, long revision) {

    public static final String PAT = "pat";
    public static final String M2M = "oauth-m2m";
    public static final String U2M = "oauth-u2m";
    public static final String SHARED = "shared";
    public static final String PER_USER = "per-user";
    /** The subject of a connection's own grant (PAT, service principal, shared U2M grant). */
    public static final String OWN = "";

    public boolean perUser() {
        return PER_USER.equals(grantOwner);
    }

    public boolean disconnected() {
        return disconnectedAt != null;
    }

    @Override
    public String toString() {
        return "VaultConnection[" + tenant + "/" + name + " " + host + " auth=" + authMethod + "]";
    }
}
