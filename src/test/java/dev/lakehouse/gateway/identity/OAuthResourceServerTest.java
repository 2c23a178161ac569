package dev.lakehouse.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.lakehouse.gateway.identity.keycloak.KeycloakTestServer;
import dev.lakehouse.gateway.identity.keycloak.UserLogin;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The attack matrix of the OAuth resource server, against a real Keycloak (the keycloak-quarkus-dist archive, on
 * loopback) and the gateway in OAuth mode: every refusal is the right status with the right challenge, tenants are
 * isolated, agents, users and brokered users get through, and cached keys outlive a Keycloak outage.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OAuthResourceServerTest extends OAuthModeTestBase {

    private JsonNode tool(String token, String session, String name, Map<String, Object> arguments) throws Exception {
        HttpResponse<String> response = call(token, session, request(2, "tools/call", Map.of("name", name, "arguments", arguments)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body()).path("result");
    }

    @Test
    @Order(1)
    void noTokenGets401WithTheDiscoveryChainOfRfc9728() throws Exception {
        HttpResponse<String> refused = initialize(null);
        assertThat(refused.statusCode()).isEqualTo(401);
        String challenge = refused.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertThat(challenge).startsWith("Bearer ")
                .contains("resource_metadata=\"http://localhost:8080/.well-known/oauth-protected-resource/mcp\"")
                .contains("scope=\"").doesNotContain("error=");   // no token sent: no error code (RFC 6750 §3.1)

        for (String path : List.of("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource")) {
            HttpResponse<String> metadata = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build());
            assertThat(metadata.statusCode()).isEqualTo(200);
            JsonNode document = json(metadata.body());
            assertThat(document.path("resource").asText()).isEqualTo(RESOURCE);
            assertThat(document.path("authorization_servers").get(0).asText()).isEqualTo(KEYCLOAK.issuer());
            assertThat(document.path("bearer_methods_supported").toString()).isEqualTo("[\"header\"]");
        }
        HttpResponse<String> authorizationServer = send(HttpRequest.newBuilder(
                URI.create(KEYCLOAK.issuer() + "/.well-known/openid-configuration")).build());
        assertThat(json(authorizationServer.body()).path("token_endpoint").asText()).startsWith(KEYCLOAK.issuer());
    }

    @Test
    @Order(2)
    void aClientCredentialsAgentWorksEndToEnd() throws Exception {
        String token = acmeAgent();
        String session = session(token);
        JsonNode info = tool(token, session, "gateway_info", Map.of()).path("structuredContent");
        assertThat(info.path("tenant").asText()).isEqualTo("acme");
        JsonNode rows = tool(token, session, "execute_sql", Map.of("statement", "SELECT count(*) AS regions FROM samples.tpch.region"));
        assertThat(rows.path("structuredContent").path("rows").toString()).isEqualTo("[[\"5\"]]");
        // the agent's response never carries the gateway's Databricks credentials
        assertThat(rows.toString()).doesNotContain("dapi-");
    }

    @Test
    @Order(3)
    void aTokenWithoutTheGatewayAudienceIsRefused() throws Exception {
        HttpResponse<String> refused = initialize(KEYCLOAK.tokenFor("acme-agent-noaud", "acme-agent-noaud-secret"));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
    }

    @Test
    @Order(4)
    void aTokenOfAnotherIssuerIsRefused() throws Exception {
        assertThat(initialize(KEYCLOAK.tokenFromOtherIssuer()).statusCode()).isEqualTo(401);
    }

    @Test
    @Order(5)
    void aTamperedTokenIsRefused() throws Exception {
        String[] parts = acmeAgent().split("\\.");
        ObjectNode claims = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        claims.putArray("organization").add("globex");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(JSON.writeValueAsBytes(claims)) + "." + parts[2];
        assertThat(initialize(forged).statusCode()).isEqualTo(401);
        assertThat(initialize(parts[0] + "." + parts[1] + ".AAAA").statusCode()).isEqualTo(401);
        assertThat(initialize("not-a-jwt").statusCode()).isEqualTo(401);
    }

    @Test
    @Order(6)
    void anExpiredTokenIsRefused() throws Exception {
        // a client of the realm whose tokens live 3 s; the gateway allows 1 s of clock skew in this test
        String shortLived = KEYCLOAK.tokenFor("acme-agent-shortlived", "acme-agent-shortlived-secret");
        JsonNode claims = KeycloakTestServer.claims(shortLived);
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isLessThanOrEqualTo(3);
        assertThat(initialize(shortLived).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                .until(() -> initialize(shortLived).statusCode() == 401);
    }

    @Test
    @Order(7)
    void aTokenInTheQueryStringIsRefused() throws Exception {
        HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(mcpUri() + "?access_token=" + acmeAgent()))
                .header("Content-Type", "application/json").header("Accept", ACCEPT_BOTH)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")).build());
        assertThat(refused.statusCode()).isIn(400, 401);
    }

    @Test
    @Order(8)
    void aMissingGroupScopeHidesTheToolsAndACallGets403NamingTheScope() throws Exception {
        String token = KEYCLOAK.tokenFor("acme-agent-readonly", "acme-agent-readonly-secret");   // catalog, no sql
        String session = session(token);
        JsonNode tools = json(call(token, session, request(2, "tools/list", Map.of())).body()).path("result").path("tools");
        assertThat(tools.toString()).contains("\"list_catalogs\"").doesNotContain("\"execute_sql\"");

        HttpResponse<String> denied = call(token, session, request(3, "tools/call",
                Map.of("name", "execute_sql", "arguments", Map.of("statement", "SELECT 1"))));
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"insufficient_scope\"").contains("scope=\"sql\"").contains("resource_metadata=");
    }

    @Test
    @Order(9)
    void tenantsCannotReachEachOthersSessionsStatementsOrWorkspaces() throws Exception {
        String acme = acmeAgent();
        String globex = globexAgent();
        String acmeSession = session(acme);
        // another tenant presenting the session id: as if it never existed
        assertThat(call(globex, acmeSession, request(2, "ping", Map.of())).statusCode()).isEqualTo(404);

        JsonNode started = tool(acme, acmeSession, "execute_sql", Map.of("statement", "SELECT 7 AS n")).path("structuredContent");
        String statement = started.path("statement_id").asText();
        String globexSession = session(globex);
        JsonNode foreign = tool(globex, globexSession, "get_statement_result", Map.of("statement_id", statement));
        assertThat(foreign.path("isError").asBoolean()).isTrue();
        assertThat(foreign.toString()).contains("unknown");

        assertThat(tool(globex, globexSession, "gateway_info", Map.of()).path("structuredContent").path("tenant").asText())
                .isEqualTo("globex");
        JsonNode acmeOnly = tool(globex, globexSession, "list_catalogs", Map.of("workspace", "acme"));
        assertThat(acmeOnly.path("isError").asBoolean()).isTrue();
    }

    @Test
    @Order(10)
    void aUserLogsInWithAuthorizationCodeAndPkce() throws Exception {
        UserLogin.Tokens alice = UserLogin.login(KEYCLOAK, "alice", "alice-password", "sql");
        String session = session(alice.accessToken());
        JsonNode info = tool(alice.accessToken(), session, "gateway_info", Map.of()).path("structuredContent");
        assertThat(info.path("tenant").asText()).isEqualTo("acme");
        JsonNode catalogs = tool(alice.accessToken(), session, "list_catalogs", Map.of());
        assertThat(catalogs.path("isError").asBoolean()).as(catalogs.toString()).isFalse();
    }

    @Test
    @Order(11)
    void aUserOfTheTenantsOwnIdentityProviderGetsInThroughTheBroker() throws Exception {
        UserLogin.Tokens carol = UserLogin.loginViaBroker(KEYCLOAK, "carol@globex.example", "carol", "carol-password", "sql");
        String session = session(carol.accessToken());
        assertThat(tool(carol.accessToken(), session, "gateway_info", Map.of()).path("structuredContent").path("tenant").asText())
                .isEqualTo("globex");
    }

    @Test
    @Order(12)
    void aClientRegisteredDynamicallyFromLocalhostIsAccepted() throws Exception {
        HttpResponse<String> registered = send(HttpRequest.newBuilder(URI.create(KEYCLOAK.issuer()
                        + "/clients-registrations/openid-connect")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"client_name":"oauth-test-dcr","redirect_uris":["http://localhost:6274/oauth/callback"],
                         "token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"]}""")).build());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        String clientId = json(registered.body()).path("client_id").asText();
        UserLogin.Tokens alice = UserLogin.of(KEYCLOAK, clientId, UserLogin.INSPECTOR_REDIRECT).password("alice", "alice-password");
        assertThat(initialize(alice.accessToken()).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(14)
    void theAdminApiNeedsTheGatewayAdminRole() throws Exception {
        URI connections = URI.create("http://127.0.0.1:" + port + "/admin/tenants/acme/connections");
        assertThat(send(HttpRequest.newBuilder(connections).build()).statusCode()).isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(connections).header("Authorization", "Bearer " + acmeAgent()).build())
                .statusCode()).isEqualTo(403);
        HttpResponse<String> allowed = send(HttpRequest.newBuilder(connections)
                .header("Authorization", "Bearer " + adminToken()).build());
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(allowed.body()).contains("main").doesNotContain("dapi-");
    }

    @Test
    @Order(15)
    void aScopedUrlThatRequiresAKeycloakTokenAcceptsOnlyItsTenantsToken() throws Exception {
        String mint = "{\"connection\":\"main\",\"groups\":[\"catalog\"],\"read_only\":true,\"expires_in_seconds\":600,"
                + "\"requires_token\":true,\"label\":\"second factor test\"}";
        HttpResponse<String> minted = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/admin/tenants/acme/scoped-urls")).header("Authorization", "Bearer " + adminToken())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(mint)).build());
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
        String token = json(minted.body()).path("token").asText();
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"scoped\",\"version\":\"1\"}}}";
        HttpRequest.Builder init = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp/u/" + token))
                .header("Content-Type", "application/json").header("Accept", ACCEPT_BOTH)
                .POST(HttpRequest.BodyPublishers.ofString(initialize));
        // the URL alone, or with another tenant's token: refused; with a token of the URL's tenant: in
        assertThat(send(init.copy().build()).statusCode()).isEqualTo(401);
        assertThat(send(init.copy().header("Authorization", "Bearer " + globexAgent()).build()).statusCode()).isEqualTo(401);
        assertThat(send(init.copy().header("Authorization", "Bearer " + acmeAgent()).build()).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(100)
    void whileKeycloakIsDownCachedKeysWorkAndAnUnknownKeyFailsClosed() throws Exception {
        String token = acmeAgent();
        session(token);   // the JWKS is cached now
        RSAKey foreignKey = new RSAKeyGenerator(2048).keyID("not-a-keycloak-key").generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(foreignKey.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(KEYCLOAK.issuer()).audience(RESOURCE).subject("intruder")
                        .expirationTime(Date.from(Instant.now().plusSeconds(300))).issueTime(new Date())
                        .claim("organization", List.of("acme")).claim("scope", "mcp-gateway catalog sql").build());
        forged.sign(new RSASSASigner(foreignKey));
        KEYCLOAK.stop();
        try {
            // a new session (stopping Keycloak may outlast the test profile's 6 s session idle timeout)
            String session = session(token);
            assertThat(call(token, session, request(5, "ping", Map.of())).statusCode()).isEqualTo(200);
            assertThat(initialize(token).statusCode()).isEqualTo(200);
            assertThat(initialize(forged.serialize()).statusCode()).isEqualTo(401);
        } finally {
            KEYCLOAK.restart();
        }
        assertThat(initialize(acmeAgent()).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(13)
    void theCallersTokenIsNeverEchoedBack() throws Exception {
        String token = acmeAgent();
        HttpResponse<String> init = initialize(token);
        assertThat(init.headers().map().toString()).doesNotContain(token.substring(token.length() - 20));
        assertThat(init.body().getBytes(StandardCharsets.UTF_8).length).isPositive();
    }
}
