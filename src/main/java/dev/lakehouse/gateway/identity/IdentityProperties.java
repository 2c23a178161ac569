package dev.lakehouse.gateway.identity;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may call the gateway. With no issuer, /mcp runs unauthenticated for the default tenant and the gateway only
 * binds to loopback. With issuers, every /mcp request needs a JWT of one of them whose audience is {@link #resource}.
 *
 * @param issuers        trusted OAuth issuers (e.g. a Keycloak realm URL); empty = unauthenticated mode
 * @param resource       the gateway's canonical MCP URL: the audience tokens must carry, and the RFC 9728 resource
 * @param defaultTenant  the tenant of every caller in unauthenticated mode
 * @param tenantClaim    the token claim naming the tenant (Keycloak organizations: {@code organization})
 * @param groupScopes    whether a Databricks tool needs its group's scope in the token (catalog, sql, ...)
 * @param clockSkew      tolerance for exp/nbf between the issuer's clock and ours
 */
@ConfigurationProperties(prefix = "gateway.identity")
public record IdentityProperties(List<String> issuers, String resource, String defaultTenant, String tenantClaim,
        boolean groupScopes, java.time.Duration clockSkew) {

    public IdentityProperties {
        issuers = issuers == null ? List.of() : issuers.stream().filter(i -> !i.isBlank()).map(String::trim).toList();
        clockSkew = clockSkew == null ? java.time.Duration.ofSeconds(30) : clockSkew;
    }

    public boolean oauthEnabled() {
        return !issuers.isEmpty();
    }
}
