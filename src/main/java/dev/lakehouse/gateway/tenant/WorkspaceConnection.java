package dev.lakehouse.gateway.tenant;

import java.util.Map;

import dev.lakehouse.gateway.ratelimit.ApiFamily;
import dev.lakehouse.gateway.ratelimit.RateLimitPolicy;
import dev.lakehouse.gateway.ratelimit.RateLimitProperties;
import dev.lakehouse.gateway.vault.VaultConnection;

/**
 * One tenant's connection to one Databricks workspace, resolved for a call. Its secrets stay in the gateway: only
 * the token bean reads them, and nothing of it is returned to an agent but its name and host. A connection from the
 * vault carries its record in {@code vault} (its secrets stay in the vault; {@code token} and {@code clientSecret} are
 * null); one from properties has {@code vault} null.
 */
public record WorkspaceConnection(String tenant, String name, String baseUrl, String auth, String token,
        String clientId, String clientSecret, String defaultWarehouse, boolean readOnly,
        Map<String, TenantProperties.Exposure> exposure, RateLimitPolicy rateLimitPolicy,
        Map<ApiFamily, RateLimitProperties.Family> rateLimits, VaultConnection vault) {

    /** Tool groups whose exposure a connection controls; others (gateway, fixtures) are always visible. */
    public static final java.util.Set<String> DATABRICKS_GROUPS = java.util.Set.of("catalog", "sql", "jobs", "compute", "warehouses",
            "genie", "vector_search", "functions", "files", "workspace");

    public boolean fromVault() {
        return vault != null;
    }

    /** Cache key of this connection's upstream token. */
    public String key() {
        return tenant + "/" + name;
    }

    public TenantProperties.Exposure exposureOf(String group) {
        return exposure.getOrDefault(group, TenantProperties.Exposure.READ);
    }

    @Override
    public String toString() {
        return "WorkspaceConnection[" + key() + " " + baseUrl + " auth=" + auth + "]";
    }
}
