package dev.lakehouse.gateway.tenant;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.lakehouse.gateway.ratelimit.ApiFamily;
import dev.lakehouse.gateway.ratelimit.RateLimitPolicy;
import dev.lakehouse.gateway.ratelimit.RateLimitProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Tenants and their Databricks workspace connections, from properties (a connection vault replaces this later):
 * <pre>
 * gateway.tenants.demo.connections.acme.host=https://adb-123.azuredatabricks.net   (or emulator:acme)
 * gateway.tenants.demo.connections.acme.auth=oauth-m2m                              (or pat)
 * </pre>
 */
@ConfigurationProperties(prefix = "gateway")
public record TenantProperties(Map<String, Tenant> tenants) {

    public TenantProperties {
        tenants = tenants == null ? Map.of() : tenants;
        // a misspelt API family in a connection's rate limits stops startup, naming it
        tenants.values().forEach(t -> t.connections().values().forEach(Connection::rateLimitsByFamily));
    }

    /**
     * @param defaultConnection the connection used when a tool call names none (else the first one)
     * @param listedGroups      the tool groups tools/list shows this tenant's agents (null: gateway.tools.listed-groups);
     *                          the others stay callable and findable with search_tools
     */
    public record Tenant(String defaultConnection, Map<String, Connection> connections, java.util.List<String> listedGroups) {
        public Tenant {
            connections = connections == null ? new LinkedHashMap<>() : connections;
        }
    }

    /**
     * @param host              workspace URL; {@code emulator:<name>} means the embedded emulator's workspace
     * @param auth              {@code pat} or {@code oauth-m2m}
     * @param token             the PAT (auth=pat)
     * @param clientId          service principal client id (auth=oauth-m2m)
     * @param clientSecret      service principal secret (auth=oauth-m2m)
     * @param defaultWarehouse  SQL warehouse for statements that name none
     * @param readOnly          only read-only SQL passes (default true)
     * @param exposure          per tool group: off, read (default), on, confirm
     * @param rateLimitPolicy   absorb (default) or passthrough for every API family of this workspace
     * @param rateLimits        per API family ({@code unity-catalog}, ...): rate, burst and policy for this workspace
     */
    public record Connection(String host, String auth, String token, String clientId, String clientSecret,
            String defaultWarehouse, Boolean readOnly, Map<String, Exposure> exposure, RateLimitPolicy rateLimitPolicy,
            Map<String, RateLimitProperties.Family> rateLimits) {
        public Connection {
            auth = auth == null ? "pat" : auth;
            readOnly = readOnly == null ? Boolean.TRUE : readOnly;
            exposure = exposure == null ? Map.of() : exposure;
            rateLimits = rateLimits == null ? Map.of() : rateLimits;
        }

        /** The per-family settings keyed by family; a misspelt family name is a configuration error. */
        public Map<ApiFamily, RateLimitProperties.Family> rateLimitsByFamily() {
            return byFamily(rateLimits);
        }
    }

    /** Per-family settings by family name, re-keyed by family (properties and vault connections alike); a misspelt name fails. */
    public static Map<ApiFamily, RateLimitProperties.Family> byFamily(Map<String, RateLimitProperties.Family> byName) {
        Map<ApiFamily, RateLimitProperties.Family> byFamily = new java.util.EnumMap<>(ApiFamily.class);
        byName.forEach((name, settings) -> byFamily.put(ApiFamily.byKey(name), settings));
        return byFamily;
    }

    /** How a tool group is exposed on a connection. */
    public enum Exposure {
        /** the group's tools are hidden */
        OFF,
        /** only the group's read-only tools (the default) */
        READ,
        /** every tool of the group */
        ON,
        /** every tool; those that change state ask the human first (elicitation) */
        CONFIRM
    }
}
