package dev.lakehouse.gateway.connect;

import java.util.Set;

/**
 * The person on a connect page: the Keycloak user signed in for people (OIDC login), or the local user of the loopback
 * mode. {@code subject} is the token's {@code sub}, the same id agents acting for this user carry.
 */
public record Person(String subject, String name, Set<String> tenants, boolean gatewayAdmin, boolean tenantAdmin) {

    /** May manage the tenant's connections (add, connect shared grants). */
    public boolean adminOf(String tenant) {
        return gatewayAdmin || tenantAdmin && tenants.contains(tenant);
    }

    /** Belongs to the tenant (may connect their own grants). */
    public boolean memberOf(String tenant) {
        return gatewayAdmin || tenants.contains(tenant);
    }
}
