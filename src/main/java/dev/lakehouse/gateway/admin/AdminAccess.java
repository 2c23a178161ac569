package dev.lakehouse.gateway.admin;

import java.util.regex.Pattern;

import dev.lakehouse.gateway.identity.IdentityProperties;
import dev.lakehouse.gateway.identity.SecurityConfig;
import org.apache.camel.Exchange;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;

/**
 * Who may act on the {tenant} of an admin request. The platform role {@code gateway-admin} acts on every tenant; the
 * realm role {@code tenant-admin} only on the tenants its token's organization claim names. Another tenant is answered
 * exactly like one that does not exist (404), so a tenant admin learns nothing of the others. In unauthenticated
 * (loopback) mode the admin API is open.
 */
@Component
public class AdminAccess {

    /** Tenant ids: Keycloak organization aliases and property names alike. */
    public static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Variables of an admin exchange once its tenant was checked: for its audit record. */
    public static final String TENANT_VARIABLE = "adminTenant";
    public static final String METHOD_VARIABLE = "adminMethod";

    private final IdentityProperties identity;

    public AdminAccess(IdentityProperties identity) {
        this.identity = identity;
    }

    /** The {tenant} path parameter, when well-formed and the caller may act on it; else 400 or 404. */
    public String tenant(Exchange exchange) {
        String tenant = exchange.getMessage().getHeader("tenant", String.class);
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            throw AdminApiException.badRequest("The tenant id must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}");
        }
        exchange.setVariable(METHOD_VARIABLE, exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class));
        if (!mayActOn(tenant)) {
            throw new AdminApiException(404, "Unknown tenant '" + tenant + "'");
        }
        exchange.setVariable(TENANT_VARIABLE, tenant);
        return tenant;
    }

    /** The caller's name for audit fields (token subject and user name), or "loopback" without OAuth. */
    public String actor() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!identity.oauthEnabled() || !(authentication instanceof JwtAuthenticationToken token)) {
            return "loopback";
        }
        String user = token.getToken().getClaimAsString("preferred_username");
        return user == null ? token.getToken().getSubject() : user;
    }

    boolean mayActOn(String tenant) {
        if (!identity.oauthEnabled()) {
            return true;
        }
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!(authentication instanceof JwtAuthenticationToken token)) {
            return false;
        }
        if (has(token, SecurityConfig.GATEWAY_ADMIN)) {
            return true;
        }
        return has(token, SecurityConfig.TENANT_ADMIN) && dev.lakehouse.gateway.identity.CallerIdentity
                .tenants(token.getToken().getClaims().get(identity.tenantClaim())).contains(tenant);
    }

    private static boolean has(JwtAuthenticationToken token, String authority) {
        return token.getAuthorities().stream().anyMatch(a -> authority.equals(a.getAuthority()));
    }
}
