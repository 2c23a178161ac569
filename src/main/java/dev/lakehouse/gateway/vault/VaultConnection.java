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
 * @param azureTenantId   {@code azure-client-secret}: the Entra tenant of the service principal (found from the
 *                        workspace's /aad/auth redirect when the admin gives none)
 * @param azureResourceId {@code azure-client-secret}: the workspace's Azure resource id, when given: a service
 *                        principal that is not a workspace user but Contributor on it is then added by Azure Databricks
 * @param federationAudience {@code oauth-federation}: the audience of the identity provider's token that the
 *                        Databricks account's federation policy trusts (null: the gateway's default)
 */
public record VaultConnection(String id, String tenant, String name, String host, String authMethod, String grantOwner,
        String clientId, String scopes, Long refreshTokenTtlSeconds, boolean isDefault, String defaultWarehouse,
        boolean readOnly,
        Map<String, TenantProperties.Exposure> exposure, RateLimitPolicy rateLimitPolicy,
        Map<String, RateLimitProperties.Family> rateLimits, String dataKey, String dataKeyKid, Instant disconnectedAt,
        String createdBy, Instant createdAt, Instant updatedAt, long revision, String azureTenantId,
        String azureResourceId, String federationAudience) {

    public static final String PAT = "pat";
    public static final String M2M = "oauth-m2m";
    public static final String U2M = "oauth-u2m";
    /** A Microsoft Entra ID service principal with a client secret (Azure workspaces), as the SDKs name it. */
    public static final String AZURE_CLIENT_SECRET = "azure-client-secret";
    /** A Google service account with a key JSON (GCP workspaces), as the SDKs name it; client id = its e-mail. */
    public static final String GOOGLE_CREDENTIALS = "google-credentials";
    /** Databricks OAuth token federation: each user's identity-provider token exchanged for a Databricks token. */
    public static final String FEDERATION = "oauth-federation";
    public static final String SHARED = "shared";
    public static final String PER_USER = "per-user";
    /** The subject of a connection's own grant (PAT, service principal, shared U2M grant). */
    public static final String OWN = "";

    public boolean perUser() {
        return PER_USER.equals(grantOwner);
    }

    /** Per-user tokens by federation: nothing stored per user, each call's user exchanged (and cached in memory). */
    public boolean federated() {
        return FEDERATION.equals(authMethod);
    }

    /** A service principal (Databricks OAuth M2M, Entra ID, Google service account): no person signs in. */
    public boolean servicePrincipal() {
        return M2M.equals(authMethod) || AZURE_CLIENT_SECRET.equals(authMethod) || GOOGLE_CREDENTIALS.equals(authMethod);
    }

    public boolean disconnected() {
        return disconnectedAt != null;
    }

    @Override
    public String toString() {
        return "VaultConnection[" + tenant + "/" + name + " " + host + " auth=" + authMethod + "]";
    }
}
