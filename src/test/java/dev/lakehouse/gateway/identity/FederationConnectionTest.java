package dev.lakehouse.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.databricks.EmulatorAdmin;
import dev.lakehouse.gateway.identity.keycloak.UserLogin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.Environment;

/**
 * Databricks OAuth token federation end to end, with the real Keycloak and the emulator's federation policies: an
 * {@code oauth-federation} connection of tenant acme stores no secret; each call of a signed-in user exchanges her
 * Keycloak token at Keycloak (standard token exchange, audience databricks-federation; the agent's token never goes
 * upstream) and then at the workspace (RFC 8693) for her own Databricks token, cached per user. Without a policy, with
 * the policy deleted, or for a user the workspace does not know, it fails closed with a clear isError.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FederationConnectionTest extends OAuthModeTestBase {

    private static final String CONNECTION = "federated";

    @Autowired
    Environment environment;

    private EmulatorAdmin emulator;
    private final java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger(1);

    @BeforeAll
    void emulator() {
        // alice@acme.example is the emulated workspace acme's own user; dana@acme.example is none of its users
        emulator = EmulatorAdmin.at(environment.getProperty("emulator.url.acme").replaceAll("/+$", ""));
    }

    @AfterAll
    void disconnect() throws Exception {
        admin("DELETE", "/tenants/acme/connections/" + CONNECTION, null);
    }

    @Test
    void eachUserGetsHerOwnDatabricksTokenByFederationAndAPolicyRefusalFailsClosed(CapturedOutput output) throws Exception {
        // bad input: nothing is stored
        assertRefused(admin("POST", "/tenants/acme/connections", Map.of("name", CONNECTION, "host", "emulator:acme",
                "auth", "oauth-federation", "client_secret", "none-needed")), "takes no token or secret");
        assertRefused(admin("POST", "/tenants/acme/connections", Map.of("name", CONNECTION, "host", "emulator:acme",
                "auth", "oauth-federation", "federation_audience", "two words")), "one audience");
        assertRefused(admin("POST", "/tenants/acme/connections", Map.of("name", "pat-with-audience", "host",
                "emulator:acme", "auth", "pat", "token", "dapi-acme-emulator-pat", "federation_audience", "x")),
                "oauth-federation connections only");

        HttpResponse<String> created = admin("POST", "/tenants/acme/connections", Map.of("name", CONNECTION,
                "host", "emulator:acme", "auth", "oauth-federation"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(created.body()).path("grant").asText()).isEqualTo("per-user");
        assertThat(json(created.body()).path("status").asText()).isEqualTo("active");
        assertRefused(admin("PUT", "/tenants/acme/connections/" + CONNECTION + "/secret",
                Map.of("client_secret", "anything")), "holds no secret");

        String alice = UserLogin.login(KEYCLOAK, "alice", "alice-password").accessToken();
        // her own token names the gateway, not Databricks: the policy below accepts only what Keycloak exchanged
        assertThat(UserLogin.login(KEYCLOAK, "alice", "alice-password").claims().path("aud").toString())
                .contains("mcp-gateway").doesNotContain("databricks-federation");
        String session = session(alice);

        // no federation policy at the account yet: fails closed, the connection says why and what to do
        JsonNode refused = listCatalogs(alice, session);
        assertThat(refused.path("isError").asBoolean()).as(refused.toString()).isTrue();
        assertThat(refused.toString()).contains("federation policy").doesNotContain("Exception");
        assertThat(admin("GET", "/tenants/acme/connections/" + CONNECTION, null).body())
                .contains("app_misconfigured").contains("audience 'databricks-federation'");

        // the account trusts the realm for tokens of audience databricks-federation, users by e-mail
        JsonNode policy = emulator.call("POST", "/federation-policies", Map.of("oidc_policy", Map.of(
                "issuer", KEYCLOAK.issuer(), "audiences", java.util.List.of("databricks-federation"),
                "subject_claim", "email")));
        long exchangesBefore = exchanges("ok");
        // eight calls of hers at once: one exchange (single flight), all answered
        java.util.List<java.util.concurrent.CompletableFuture<JsonNode>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return listCatalogs(alice, session);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (var call : calls) {
            JsonNode answered = call.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(answered.path("isError").asBoolean()).as(answered.toString()).isFalse();
            assertThat(answered.toString()).contains("main");
        }
        assertThat(exchanges("ok")).as("one exchange for eight calls").isEqualTo(exchangesBefore + 1);
        assertThat(admin("GET", "/tenants/acme/connections/" + CONNECTION, null).body()).contains("\"status\":\"active\"");
        // her token is cached: the next call exchanges nothing
        listCatalogs(alice, session);
        assertThat(exchanges("ok")).isEqualTo(exchangesBefore + 1);
        // once it lapses (4-s tokens in the test profile) the next call exchanges anew: federation's "refresh"
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(listCatalogs(alice, session).path("isError").asBoolean()).isFalse();
            assertThat(exchanges("ok")).isGreaterThan(exchangesBefore + 1);
        });
        // dana belongs to tenant acme in Keycloak but is no user of the workspace: only her call is refused
        String dana = UserLogin.login(KEYCLOAK, "dana", "dana-password").accessToken();
        JsonNode stranger = listCatalogs(dana, session(dana));
        assertThat(stranger.path("isError").asBoolean()).isTrue();
        assertThat(stranger.toString()).contains("not found in this workspace");
        assertThat(admin("GET", "/tenants/acme/connections/" + CONNECTION, null).body()).contains("\"status\":\"active\"");

        // the policy is deleted: once her cached token lapses, calls fail closed again
        emulator.call("DELETE", "/federation-policies/" + policy.path("uid").asText(), null);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode result = listCatalogs(alice, session);
            assertThat(result.path("isError").asBoolean()).isTrue();
            assertThat(result.toString()).contains("federation policy");
        });
        assertThat(output.getAll()).as("no user token in the logs").doesNotContain(alice);
    }

    private JsonNode listCatalogs(String token, String session) throws Exception {
        return tool(token, session, "list_catalogs", Map.of("workspace", CONNECTION));
    }

    private JsonNode tool(String token, String session, String name, Map<String, Object> arguments) throws Exception {
        // a fresh request id per call: calls run concurrently in one session
        HttpResponse<String> response = call(token, session, request(ids.incrementAndGet(), "tools/call", Map.of("name", name,
                "arguments", arguments)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body()).path("result");
    }

    private long exchanges(String outcome) {
        return emulator.requests().path("federation_exchanges").path(outcome).asLong();
    }

    private HttpResponse<String> admin(String method, String path, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin" + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + adminToken())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        return send(request.build());
    }

    private static void assertRefused(HttpResponse<String> response, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response.body()).path("message").asText()).contains(message);
    }
}
