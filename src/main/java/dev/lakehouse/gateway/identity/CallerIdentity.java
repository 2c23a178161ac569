package dev.lakehouse.gateway.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.lakehouse.gateway.mcp.JsonRpcErrors;
import dev.lakehouse.gateway.mcp.McpTransportException;
import org.apache.camel.Exchange;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;

/**
 * Step 2 of the pipeline: decides who is calling and for which tenant, and copies that into exchange variables
 * ({@code tenant}, {@code subject}, {@code scopes}, {@code caller}, {@code client}, and {@code callerToken} for token
 * federation). Every later step reads only those
 * variables. With OAuth, the validated JWT decides: tenant = the organization claim, subject = sub, scopes = scope.
 * Without, every caller is the anonymous agent of the default tenant, with no scope restriction ({@code scopes} null).
 */
@Component("callerIdentity")
public class CallerIdentity {

    private final IdentityProperties identity;

    public CallerIdentity(IdentityProperties identity) {
        this.identity = identity;
    }

    public void capture(Exchange exchange) {
        if (!identity.oauthEnabled()) {
            set(exchange, identity.defaultTenant(), "anonymous", null, null);
            return;
        }
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!(authentication instanceof JwtAuthenticationToken token)) {
            // Spring Security let nothing unauthenticated through to /mcp; this is a configuration error
            throw new McpTransportException(401, JsonRpcErrors.TRANSPORT_ERROR, "Unauthorized: no validated token");
        }
        Jwt jwt = token.getToken();
        List<String> tenants = tenants(jwt.getClaims().get(identity.tenantClaim()));
        if (tenants.size() != 1) {
            throw new McpTransportException(403, JsonRpcErrors.TRANSPORT_ERROR, tenants.isEmpty()
                    ? "Forbidden: the token names no tenant (claim '" + identity.tenantClaim() + "'); the client must belong to an organization"
                    : "Forbidden: the token names several tenants " + tenants + "; request a token for one (scope organization:<alias>)");
        }
        Set<String> scopes = new TreeSet<>();
        String scope = jwt.getClaimAsString("scope");
        if (scope != null) {
            scopes.addAll(List.of(scope.split(" ")));
        }
        set(exchange, tenants.get(0), jwt.getSubject(), scopes, jwt.getClaimAsString("azp"));
        // for token federation only (exchanged at the identity provider, never sent upstream)
        exchange.setVariable(CallerToken.VARIABLE, new CallerToken(jwt.getTokenValue(), jwt.getExpiresAt()));
    }

    /** The organization claim in the forms Keycloak emits: ["acme"], {"acme": {...}}, or "acme". */
    public static List<String> tenants(Object claim) {
        List<String> tenants = new ArrayList<>();
        if (claim instanceof String single) {
            tenants.add(single);
        } else if (claim instanceof List<?> list) {
            list.forEach(item -> tenants.add(String.valueOf(item)));
        } else if (claim instanceof Map<?, ?> map) {
            map.keySet().forEach(key -> tenants.add(String.valueOf(key)));
        }
        return tenants;
    }

    private static void set(Exchange exchange, String tenant, String subject, Set<String> scopes, String client) {
        exchange.setVariable("tenant", tenant);
        exchange.setVariable("subject", subject);
        exchange.setVariable("scopes", scopes);
        exchange.setVariable("client", client);
        exchange.setVariable("caller", tenant + ":" + subject);
    }
}
