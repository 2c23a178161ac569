package dev.lakehouse.gateway.identity.keycloak;

import static dev.lakehouse.gateway.identity.keycloak.KeycloakTestServer.MCP_RESOURCE;
import static dev.lakehouse.gateway.identity.keycloak.KeycloakTestServer.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The realm contract the gateway's resource server relies on, proven against a real Keycloak. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakRealmTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static KeycloakTestServer keycloak;

    @BeforeAll
    static void startKeycloak() {
        keycloak = KeycloakTestServer.shared();
        System.out.println("Keycloak at " + keycloak.baseUrl() + " ready in " + keycloak.lastStartTime().toMillis()
                + " ms");
    }

    @Test
    @Order(1)
    void discoveryAdvertisesPkceS256AndRegistration() throws Exception {
        JsonNode discovery = get(keycloak.issuer() + "/.well-known/openid-configuration");
        assertThat(discovery.path("issuer").asText()).isEqualTo(keycloak.issuer());
        assertThat(texts(discovery.path("code_challenge_methods_supported"))).contains("S256");
        assertThat(discovery.path("registration_endpoint").asText())
                .isEqualTo(keycloak.issuer() + "/clients-registrations/openid-connect");
        assertThat(texts(discovery.path("scopes_supported")))
                .contains("mcp-gateway", "organization", "catalog", "sql", "jobs", "compute", "warehouses", "genie",
                        "vector_search", "functions", "files", "workspace");
    }

    @Test
    @Order(2)
    void agentTokenCarriesGatewayAudienceOrganizationAndDefaultScopes() {
        JsonNode token = claims(keycloak.tokenFor("acme-agent", "acme-agent-secret"));
        assertThat(token.path("iss").asText()).isEqualTo(keycloak.issuer());
        assertThat(audience(token)).contains(MCP_RESOURCE);
        assertThat(token.path("organization").isArray()).isTrue();
        assertThat(texts(token.path("organization"))).containsExactly("acme");
        assertThat(scopes(token)).contains("mcp-gateway", "catalog", "sql").doesNotContain("jobs");
        assertThat(token.path("azp").asText()).isEqualTo("acme-agent");
        assertThat(token.path("exp").asLong() - token.path("iat").asLong()).isEqualTo(300);
    }

    @Test
    @Order(3)
    void optionalToolGroupScopeIsGrantedWhenRequested() {
        JsonNode token = claims(keycloak.tokenFor("acme-agent", "acme-agent-secret", "jobs", "warehouses"));
        assertThat(scopes(token)).contains("catalog", "sql", "jobs", "warehouses").doesNotContain("compute");
    }

    @Test
    @Order(4)
    void globexAgentBelongsToGlobex() {
        JsonNode token = claims(keycloak.tokenFor("globex-agent", "globex-agent-secret"));
        assertThat(texts(token.path("organization"))).containsExactly("globex");
        assertThat(audience(token)).contains(MCP_RESOURCE);
    }

    @Test
    @Order(5)
    void clientWithoutTheGatewayScopeGetsNoGatewayAudience() {
        JsonNode token = claims(keycloak.tokenFor("acme-agent-noaud", "acme-agent-noaud-secret"));
        assertThat(audience(token)).doesNotContain(MCP_RESOURCE);
        assertThat(texts(token.path("organization"))).containsExactly("acme");
        assertThat(scopes(token)).contains("catalog", "sql").doesNotContain("mcp-gateway");
    }

    @Test
    @Order(6)
    void readonlyClientHasNoSqlScope() {
        JsonNode token = claims(keycloak.tokenFor("acme-agent-readonly", "acme-agent-readonly-secret"));
        assertThat(audience(token)).contains(MCP_RESOURCE);
        assertThat(scopes(token)).contains("catalog").doesNotContain("sql");
    }

    @Test
    @Order(7)
    void aliceLogsInWithPkceAndBelongsToAcme() {
        UserLogin.Tokens tokens = UserLogin.login(keycloak, "alice", "alice-password");
        JsonNode token = tokens.claims();
        assertThat(token.path("iss").asText()).isEqualTo(keycloak.issuer());
        assertThat(token.path("preferred_username").asText()).isEqualTo("alice");
        assertThat(token.path("organization").isArray()).isTrue();
        assertThat(texts(token.path("organization"))).containsExactly("acme");
        assertThat(audience(token)).contains(MCP_RESOURCE);
        assertThat(scopes(token)).contains("mcp-gateway", "organization", "catalog", "sql");
        assertThat(tokens.refreshToken()).isNotBlank();

        // any loopback callback is a valid redirect URI for the inspector client (RFC 8252 native-app style)
        JsonNode viaIp = UserLogin.of(keycloak, UserLogin.INSPECTOR_CLIENT, "http://127.0.0.1:33418/callback")
                .password("alice", "alice-password").claims();
        assertThat(texts(viaIp.path("organization"))).containsExactly("acme");
    }

    @Test
    @Order(8)
    void wrongPasswordIsRejected() {
        assertThatThrownBy(() -> UserLogin.login(keycloak, "alice", "not-her-password"))
                .hasMessageContaining("login rejected");
    }

    @Test
    @Order(9)
    void pkceIsRequiredForTheInspectorClient() throws Exception {
        String url = keycloak.issuer() + "/protocol/openid-connect/auth?client_id=mcp-inspector&response_type=code"
                + "&scope=openid&redirect_uri=" + UserLogin.INSPECTOR_REDIRECT + "&state=s";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        String location = r.headers().firstValue("Location").orElse("");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(location).startsWith(UserLogin.INSPECTOR_REDIRECT).contains("error=invalid_request")
                .contains("code_challenge");
    }

    @Test
    @Order(10)
    void localGlobexUserBelongsToGlobex() {
        JsonNode token = UserLogin.login(keycloak, "bob", "bob-password").claims();
        assertThat(texts(token.path("organization"))).containsExactly("globex");
    }

    @Test
    @Order(11)
    void carolLogsInThroughHerCorporateIdentityProviderAndBecomesAGlobexMember() {
        UserLogin.Tokens tokens = UserLogin.loginViaBroker(keycloak, "carol@globex.example", "carol", "carol-password",
                "jobs");
        JsonNode token = tokens.claims();
        assertThat(token.path("iss").asText()).isEqualTo(keycloak.issuer());
        assertThat(token.path("email").asText()).isEqualTo("carol@globex.example");
        assertThat(texts(token.path("organization"))).containsExactly("globex");
        assertThat(audience(token)).contains(MCP_RESOURCE);
        assertThat(scopes(token)).contains("catalog", "sql", "jobs");

        // second login: the user now exists and is linked; same organization
        JsonNode again = UserLogin.loginViaBroker(keycloak, "carol@globex.example", "carol", "carol-password").claims();
        assertThat(again.path("sub").asText()).isEqualTo(token.path("sub").asText());
        assertThat(texts(again.path("organization"))).containsExactly("globex");
    }

    @Test
    @Order(12)
    void corporateRealmIssuesTokensOfAnotherIssuer() {
        JsonNode token = claims(keycloak.tokenFromOtherIssuer());
        assertThat(token.path("iss").asText()).isEqualTo(keycloak.realmUrl("globex-corp")).isNotEqualTo(keycloak.issuer());
        assertThat(audience(token)).contains(MCP_RESOURCE);
        assertThat(texts(token.path("organization"))).containsExactly("globex");
    }

    @Test
    @Order(13)
    void adminUserAndAdminClientHoldTheGatewayAdminRole() {
        JsonNode user = UserLogin.login(keycloak, "admin", "admin-password").claims();
        assertThat(texts(user.path("realm_access").path("roles"))).contains("gateway-admin");
        assertThat(texts(user.path("organization"))).containsExactly("acme");

        JsonNode cli = claims(keycloak.tokenFor("gateway-admin-cli", "gateway-admin-cli-secret"));
        assertThat(texts(cli.path("realm_access").path("roles"))).contains("gateway-admin");
        assertThat(audience(cli)).contains(MCP_RESOURCE);

        JsonNode alice = claims(UserLogin.login(keycloak, "alice", "alice-password").accessToken());
        assertThat(texts(alice.path("realm_access").path("roles"))).doesNotContain("gateway-admin");
    }

    @Test
    @Order(14)
    void anonymousDynamicClientRegistrationFromLoopbackWorks() throws Exception {
        String body = """
                {"client_name":"test MCP client","redirect_uris":["http://localhost:6274/oauth/callback"],
                 "token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"],
                 "response_types":["code"],"scope":"mcp-gateway organization catalog sql"}""";
        HttpResponse<String> r = register(body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode client = JSON.readTree(r.body());
        String clientId = client.path("client_id").asText();
        assertThat(clientId).isNotBlank();

        // the registered client works for a user login (consent page included) and yields gateway tokens
        JsonNode token = UserLogin.of(keycloak, clientId, "http://localhost:6274/oauth/callback")
                .password("alice", "alice-password", "mcp-gateway", "organization", "catalog", "sql").claims();
        assertThat(token.path("azp").asText()).isEqualTo(clientId);
        assertThat(audience(token)).contains(MCP_RESOURCE);
        assertThat(texts(token.path("organization"))).containsExactly("acme");
        assertThat(scopes(token)).contains("catalog", "sql");
    }

    @Test
    @Order(15)
    void registrationWithANonLoopbackRedirectIsRefused() throws Exception {
        HttpResponse<String> r = register("""
                {"client_name":"elsewhere","redirect_uris":["https://evil.example/callback"],
                 "token_endpoint_auth_method":"none"}""");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("Trusted Hosts");
    }

    @Test
    @Order(100)
    void stopThenRestartBringsTheRealmBack() {
        String before = claims(keycloak.tokenFor("acme-agent", "acme-agent-secret")).path("sub").asText();
        keycloak.stop();
        assertThat(keycloak.isRunning()).isFalse();
        assertThatThrownBy(() -> keycloak.tokenFor("acme-agent", "acme-agent-secret"))
                .isInstanceOf(java.io.UncheckedIOException.class);

        keycloak.restart();
        System.out.println("Keycloak restarted in " + keycloak.lastStartTime().toMillis() + " ms");
        assertThat(keycloak.isRunning()).isTrue();
        JsonNode token = claims(keycloak.tokenFor("acme-agent", "acme-agent-secret"));
        assertThat(token.path("sub").asText()).isEqualTo(before);
        assertThat(token.path("iss").asText()).isEqualTo(keycloak.issuer());
        assertThat(texts(UserLogin.loginViaBroker(keycloak, "carol@globex.example", "carol", "carol-password")
                .claims().path("organization"))).containsExactly("globex");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static HttpResponse<String> register(String json) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(keycloak.issuer() + "/clients-registrations/openid-connect"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** {@code aud} is a string when it has one value, an array otherwise. */
    private static List<String> audience(JsonNode token) {
        JsonNode aud = token.path("aud");
        return aud.isArray() ? texts(aud) : aud.isTextual() ? List.of(aud.asText()) : List.of();
    }

    private static List<String> scopes(JsonNode token) {
        return Arrays.asList(token.path("scope").asText("").split(" "));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
