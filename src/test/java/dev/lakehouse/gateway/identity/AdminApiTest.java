package dev.lakehouse.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.support.GatewayTestBase;
import org.junit.jupiter.api.Test;

/**
 * The admin API in unauthenticated mode (open on loopback): scoped URLs are made (token shown once), listed (never
 * with a token) and revoked; connections are listed without secrets; every client mistake is a 4xx with a message.
 */
class AdminApiTest extends GatewayTestBase {

    private URI admin(String path) {
        return URI.create("http://127.0.0.1:" + port + "/admin" + path);
    }

    private HttpResponse<String> create(String tenant, String body) throws Exception {
        return send(HttpRequest.newBuilder(admin("/tenants/" + tenant + "/scoped-urls")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-Probe", "echo-me-not")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(admin(path)).header("X-Probe", "echo-me-not").GET().build());
    }

    /** A 4xx with a JSON message containing {@code expected}, no stack trace and no echoed request header. */
    private static JsonNode assertClientError(HttpResponse<String> response, int status, String expected) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode body = json(response.body());
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("message").asText()).contains(expected);
        assertThat(response.body()).doesNotContain("Exception", "\tat ", "dev.lakehouse");
        assertThat(response.headers().firstValue("X-Probe")).isEmpty();
        return body;
    }

    @Test
    void makesAUrlOnceListsItWithoutTokenAndRevokesIt() throws Exception {
        HttpResponse<String> created = create("demo", """
                {"groups":["catalog","sql"],"tools":["list_catalogs","execute_sql"],"expires_in_seconds":3600,
                 "label":"BI assistant"}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(created.headers().firstValue("X-Probe")).isEmpty();
        JsonNode url = json(created.body());
        String id = url.path("id").asText();
        String token = url.path("token").asText();
        assertThat(token).isNotBlank();
        assertThat(url.path("url").asText()).isEqualTo("http://localhost:8080/mcp/u/" + token);
        assertThat(url.path("connection").asText()).as("the tenant's default connection").isEqualTo("acme");
        assertThat(url.path("read_only").asBoolean()).as("read-only by default").isTrue();
        assertThat(url.path("requires_token").asBoolean()).isFalse();
        assertThat(url.path("label").asText()).isEqualTo("BI assistant");
        assertThat(url.path("status").asText()).isEqualTo("active");
        Instant expires = Instant.parse(url.path("expires_at").asText());
        assertThat(expires).isBetween(Instant.now().plusSeconds(3590), Instant.now().plusSeconds(3602));

        HttpResponse<String> list = get("/tenants/demo/scoped-urls");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1))
                .doesNotContain("\"token\"").doesNotContain("echo-me-not");
        JsonNode listed = null;
        for (JsonNode item : json(list.body()).path("scoped_urls")) {
            if (item.path("id").asText().equals(id)) {
                listed = item;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.path("groups").toString()).isEqualTo("[\"catalog\",\"sql\"]");
        assertThat(listed.path("tools").toString()).isEqualTo("[\"list_catalogs\",\"execute_sql\"]");
        assertThat(listed.path("revoked_at").isNull()).isTrue();

        HttpResponse<String> revoked = send(HttpRequest.newBuilder(admin("/tenants/demo/scoped-urls/" + id)).DELETE().build());
        assertThat(revoked.statusCode()).isEqualTo(204);
        assertThat(revoked.body()).isEmpty();
        JsonNode after = json(get("/tenants/demo/scoped-urls").body()).path("scoped_urls");
        boolean found = false;
        for (JsonNode item : after) {
            if (item.path("id").asText().equals(id)) {
                found = true;
                assertThat(item.path("status").asText()).isEqualTo("revoked");
                assertThat(item.path("revoked_at").isTextual()).isTrue();
            }
        }
        assertThat(found).isTrue();
    }

    @Test
    void listsConnectionsWithoutSecrets() throws Exception {
        HttpResponse<String> response = get("/tenants/demo/connections");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("dapi-", "m2m-secret", "client_secret", "client_id", "echo-me-not");
        JsonNode connections = json(response.body()).path("connections");
        assertThat(connections.size()).isEqualTo(4);   // acme, globex, acme-locked, acme-badsecret (test profile)
        JsonNode acme = connections.get(0);
        assertThat(acme.path("name").asText()).isEqualTo("acme");
        assertThat(acme.path("default").asBoolean()).isTrue();
        assertThat(acme.path("auth").asText()).isEqualTo("oauth-m2m");
        assertThat(acme.path("host").asText()).isEqualTo("emulator:acme");
        assertThat(acme.path("read_only").asBoolean()).isTrue();
        assertThat(acme.path("default_warehouse").asText()).isNotBlank();
        assertThat(acme.path("exposure").path("compute").asText()).isEqualTo("confirm");
        JsonNode globex = connections.get(1);
        assertThat(globex.path("auth").asText()).isEqualTo("pat");
        assertThat(globex.path("read_only").asBoolean()).isFalse();
        assertThat(connections.get(2).path("exposure").path("sql").asText()).isEqualTo("off");
    }

    @Test
    void clientMistakesAre4xxWithAMessage() throws Exception {
        assertClientError(create("demo", "{\"expires_in_seconds\": 60,"), 400, "not valid JSON");
        assertClientError(create("demo", "[1,2]"), 400, "JSON object");
        assertClientError(create("demo", ""), 400, "body is required");
        assertClientError(create("nobody", "{\"expires_in_seconds\":60}"), 404, "Unknown tenant 'nobody'");
        assertClientError(create("-nobody", "{\"expires_in_seconds\":60}"), 400, "tenant id must match");
        assertClientError(create("demo", "{\"connection\":\"initech\",\"expires_in_seconds\":60}"), 400,
                "Unknown connection 'initech'");
        assertClientError(create("demo", "{\"groups\":[\"billing\"],\"expires_in_seconds\":60}"), 400, "Unknown tool group 'billing'");
        assertClientError(create("demo", "{\"tools\":[\"drop_everything\"],\"expires_in_seconds\":60}"), 400, "Unknown tool 'drop_everything'");
        assertClientError(create("demo", "{\"groups\":[\"catalog\"],\"tools\":[\"execute_sql\"],\"expires_in_seconds\":60}"),
                400, "in group 'sql'");
        assertClientError(create("demo", "{\"label\":\"x\"}"), 400, "'expires_in_seconds' is required");
        assertClientError(create("demo", "{\"expires_in_seconds\":86401}"), 400, "from 1 to 86400");
        assertClientError(create("demo", "{\"expires_in_seconds\":0}"), 400, "from 1 to 86400");
        assertClientError(create("demo", "{\"expires_in_seconds\":\"60\"}"), 400, "whole number");
        assertClientError(create("demo", "{\"expires_in_seconds\":1.5}"), 400, "whole number");
        assertClientError(create("demo", "{\"expires_in_seconds\":60,\"read_only\":\"yes\"}"), 400, "'read_only' must be true or false");
        assertClientError(create("demo", "{\"expires_in_seconds\":60,\"requires_token\":1}"), 400, "'requires_token' must be true or false");
        assertClientError(create("demo", "{\"expires_in_seconds\":60,\"groups\":\"sql\"}"), 400, "'groups' must be an array");
        assertClientError(create("demo", "{\"expires_in_seconds\":60,\"tools\":[42]}"), 400, "'tools' must be an array of strings");
        assertClientError(create("demo", "{\"expires_in_seconds\":60,\"connection\":7}"), 400, "'connection' must be a string");
        assertClientError(create("demo", "{\"expires_in_seconds\":60,\"label\":\"" + "x".repeat(201) + "\"}"), 400, "'label'");
        assertClientError(create("demo", "{\"expires_in\":60}"), 400, "Unknown field 'expires_in'");
        assertClientError(send(HttpRequest.newBuilder(admin("/tenants/demo/scoped-urls"))
                .header("Content-Type", "text/plain").header("X-Probe", "echo-me-not")
                .POST(HttpRequest.BodyPublishers.ofString("{\"expires_in_seconds\":60}")).build()), 415, "application/json");
        assertClientError(send(HttpRequest.newBuilder(admin("/tenants/demo/scoped-urls/no-such-id"))
                .header("X-Probe", "echo-me-not").DELETE().build()), 404, "no scoped URL");
        // a tenant without connections yet (a new organization) lists none; its scoped URLs are unknown
        HttpResponse<String> none = get("/tenants/nobody/connections");
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(json(none.body()).path("connections").size()).isZero();
        assertClientError(get("/tenants/nobody/scoped-urls"), 404, "Unknown tenant");
        // a browser page of another origin (DNS rebinding) cannot use the open admin API
        assertClientError(send(HttpRequest.newBuilder(admin("/tenants/demo/connections")).header("Origin", "http://evil.example")
                .header("X-Probe", "echo-me-not").GET().build()), 403, "Origin");
    }

    @Test
    void aUrlOfOneTenantCannotBeRevokedThroughAnother() throws Exception {
        // only tenant demo exists in the test profile: a revocation naming an unknown tenant is refused, the URL stays
        JsonNode url = json(create("demo", "{\"expires_in_seconds\":60}").body());
        HttpResponse<String> other = send(HttpRequest.newBuilder(admin("/tenants/other/scoped-urls/" + url.path("id").asText()))
                .DELETE().build());
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(json(get("/tenants/demo/scoped-urls").body()).toString()).contains(url.path("id").asText());
    }
}
