package dev.lakehouse.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

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
        // the emulator's tokens live 4 s in the test profile: a cached federated token must still serve a while
        "gateway.vault.federation.expiry-margin=1s",
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
        // oauth-federation connections exchange users' tokens at this Keycloak (the realm's mcp-gateway client)
        registry.add("gateway.vault.federation.token-url", () -> KEYCLOAK.tokenEndpoint("mcp-gateway"));
        registry.add("gateway.vault.federation.client-id", () -> "mcp-gateway");
        registry.add("gateway.vault.federation.client-secret", () -> "mcp-gateway-secret");
    }

    /** An MCP session opened with {@code token} (2025-11-25). */
    protected String session(String token) throws Exception {
        HttpResponse<String> init = initialize(token);
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    protected HttpResponse<String> initialize(String token) throws Exception {
        HttpRequest.Builder request = post("""
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{},"clientInfo":{"name":"oauth-test","version":"1"}}}""");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    protected HttpResponse<String> call(String token, String session, String body) throws Exception {
        return send(inSession(session, body).header("Authorization", "Bearer " + token).build());
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
