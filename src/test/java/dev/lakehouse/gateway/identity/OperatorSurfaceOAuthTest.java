package dev.lakehouse.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.identity.keycloak.UserLogin;
import dev.lakehouse.gateway.support.RawHttp;
import org.junit.jupiter.api.Test;

/**
 * Who reaches the operator surfaces with OAuth on (a real Keycloak): every actuator path × {no token, a tenant's
 * agent, a tenant's user, the platform operator}. Only the gateway-admin role gets past the health status; the
 * consoles that can act or show message content do not exist even for the operator.
 */
class OperatorSurfaceOAuthTest extends OAuthModeTestBase {

    /** Actuator and console paths that only the operator may read (200 for the operator). */
    static final List<String> OPERATOR_PATHS = List.of("/actuator", "/actuator/info", "/actuator/camel",
            "/actuator/camel/routes", "/actuator/camel/route", "/actuator/camel/inflight",
            "/actuator/camel/system-properties", "/actuator/camel/debug", "/actuator/camel/eval-language",
            "/actuator/camel/browse", "/actuator/camel/send", "/actuator/camel/all");

    /** Console ids whose output must never be served, whoever asks. */
    static final List<String> FORBIDDEN_CONSOLES = List.of("debug", "eval-language", "simple-language", "browse", "send",
            "receive", "trace", "message-history", "variables", "bean", "properties", "system-properties");

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    @Test
    void everyActuatorPathNeedsTheGatewayAdminRoleButTheHealthStatus() throws Exception {
        Map<String, String> callers = new LinkedHashMap<>();
        callers.put("no token", null);
        callers.put("tenant agent", acmeAgent());
        callers.put("tenant user", UserLogin.login(KEYCLOAK, "alice", "alice-password", "sql").accessToken());
        callers.put("gateway-admin", adminToken());
        Map<String, Integer> refusedWith = Map.of("no token", 401, "tenant agent", 403, "tenant user", 403);

        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, String> caller : callers.entrySet()) {
            boolean admin = caller.getKey().equals("gateway-admin");
            for (String path : OPERATOR_PATHS) {
                HttpResponse<String> response = get(path, caller.getValue());
                int expected = admin ? 200 : refusedWith.get(caller.getKey());
                if (response.statusCode() != expected) {
                    failures.add(caller.getKey() + " GET " + path + " -> " + response.statusCode() + ", expected " + expected);
                }
                if (!admin) {
                    // a refusal carries no operator data
                    assertThat(response.body()).as(path).doesNotContain("routeId", "java.home", "mcp-endpoint");
                }
            }
            HttpResponse<String> health = get("/actuator/health", caller.getValue());
            assertThat(health.statusCode()).as(caller.getKey() + " health").isEqualTo(200);
            JsonNode status = json(health.body());
            assertThat(status.path("status").asText()).isNotEmpty();
            if (admin) {
                assertThat(status.has("components")).as("the operator sees the health details").isTrue();
            } else {
                // the status, and the names of the probe groups a load balancer may ask (nothing about components)
                assertThat(iterableNames(status)).as(caller.getKey() + ": status only").containsExactly("status", "groups");
                assertThat(status.path("groups").toString()).isEqualTo("[\"liveness\",\"readiness\"]");
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void theOperatorSeesReadOnlyConsolesOnlyAndNoSystemProperties() throws Exception {
        String admin = adminToken();
        JsonNode consoles = json(get("/actuator/camel", admin).body());
        assertThat(iterableNames(consoles)).contains("context", "route", "inflight", "health", "jvm")
                .doesNotContainAnyElementsOf(FORBIDDEN_CONSOLES);
        // every console's output at once: none of the unsafe ones is in it
        JsonNode all = json(get("/actuator/camel/all", admin).body());
        assertThat(iterableNames(all)).contains("route").doesNotContainAnyElementsOf(FORBIDDEN_CONSOLES);
        for (String id : FORBIDDEN_CONSOLES) {
            HttpResponse<String> response = get("/actuator/camel/" + id, admin);
            assertThat(response.body()).as(id).isEqualTo("{}");
        }
        assertThat(get("/actuator/camel/all", admin).body()).doesNotContain("java.home", "dapi-", "-secret");
    }

    @Test
    void theOriginAndHostAllowListsComeBeforeAuthentication() throws Exception {
        // paths that answer without a token in OAuth mode: a rebinding page still gets 403
        for (String path : List.of("/actuator/health", "/.well-known/oauth-protected-resource/mcp", "/actuator/camel")) {
            String allowed = RawHttp.exchange(port, "GET", path, Map.of("Host", "127.0.0.1:" + port), null);
            assertThat(RawHttp.status(allowed)).as(path).isIn(200, 401);
            String rebinding = RawHttp.exchange(port, "GET", path, Map.of("Host", "evil.example.com"), null);
            assertThat(RawHttp.status(rebinding)).as(path + " with a rebinding Host").isEqualTo(403);
            String foreign = RawHttp.exchange(port, "GET", path, Map.of("Host", "127.0.0.1:" + port,
                    "Origin", "http://evil.example.com", "Authorization", "Bearer " + adminToken()), null);
            assertThat(RawHttp.status(foreign)).as(path + " from a foreign Origin, even with the operator's token")
                    .isEqualTo(403);
        }
    }

    private static List<String> iterableNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
