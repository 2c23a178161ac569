package dev.lakehouse.gateway.identity;

import dev.lakehouse.gateway.identity.keycloak.KeycloakTestServer;
import dev.lakehouse.gateway.support.GatewayTestBase;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The gateway in OAuth mode against the shared real Keycloak, tenants acme and globex on the emulator with PATs.
 * Test classes that extend this base share one gateway (Spring caches the context: same properties, same
 * dynamic property source).
 */
@TestPropertySource(properties = {
        "gateway.identity.clock-skew=1s",
        "gateway.tenants.acme.connections.main.host=emulator:acme",
        "gateway.tenants.acme.connections.main.auth=pat",
        "gateway.tenants.acme.connections.main.token=dapi-acme-emulator-pat",
        "gateway.tenants.acme.connections.main.default-warehouse=abe1d5bac8fac744",
        "gateway.tenants.globex.connections.main.host=emulator:globex",
        "gateway.tenants.globex.connections.main.auth=pat",
        "gateway.tenants.globex.connections.main.token=dapi-globex-emulator-pat",
        "gateway.tenants.globex.connections.main.default-warehouse=ac7c3b7a426c825f"})
abstract class OAuthModeTestBase extends GatewayTestBase {

    static final KeycloakTestServer KEYCLOAK = KeycloakTestServer.shared();
    static final String RESOURCE = "http://localhost:8080/mcp";

    @DynamicPropertySource
    static void issuer(DynamicPropertyRegistry registry) {
        registry.add("gateway.identity.issuers", KEYCLOAK::issuer);
        registry.add("gateway.identity.resource", () -> RESOURCE);
    }

    /** A client-credentials agent of tenant acme. */
    static String acmeAgent(String... scopes) {
        return KEYCLOAK.tokenFor("acme-agent", "acme-agent-secret", scopes);
    }

    static String globexAgent(String... scopes) {
        return KEYCLOAK.tokenFor("globex-agent", "globex-agent-secret", scopes);
    }

    /** The platform operator: a service account holding the realm role gateway-admin. */
    static String adminToken() {
        return KEYCLOAK.tokenFor("gateway-admin-cli", "gateway-admin-cli-secret");
    }
}
