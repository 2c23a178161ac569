package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.emulator.EmulatorFixture.Reply;

/** Raw HTTP: Databricks error shapes and every kind of injected fault. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ErrorShapesAndFaultsTest {

    private EmulatorServer server;
    private Workspace acme;
    private String token;

    @BeforeAll
    void start() {
        server = new EmulatorServer(EmulatorFixture.fastProperties()).start();
        acme = server.workspace("acme");
        token = EmulatorFixture.pat(acme);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @AfterEach
    void resetFaults() throws Exception {
        EmulatorFixture.delete(acme.url() + "/emulator/admin/faults");
    }

    private Reply addFault(String json) throws Exception {
        Reply reply = EmulatorFixture.post(acme.url() + "/emulator/admin/faults", null, json);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply;
    }

    @Test
    void unknownRouteIsEndpointNotFound() throws Exception {
        Reply reply = EmulatorFixture.get(acme.url() + "/api/2.0/nothing/here", token);
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().get("error_code").asText()).isEqualTo("ENDPOINT_NOT_FOUND");
        assertThat(reply.json().get("message").asText()).isEqualTo("No API found for 'GET /api/2.0/nothing/here'");
        Reply wrongMethod = EmulatorFixture.post(acme.url() + "/api/2.1/clusters/get", token, "{}");
        assertThat(wrongMethod.status()).isEqualTo(404);
    }

    @Test
    void malformedBodiesAreBadRequests() throws Exception {
        Reply broken = EmulatorFixture.post(acme.url() + "/api/2.0/sql/statements", token, "{\"statement\": ");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().get("error_code").asText()).isEqualTo("MALFORMED_REQUEST");
        Reply notObject = EmulatorFixture.post(acme.url() + "/api/2.2/jobs/run-now", token, "[1,2]");
        assertThat(notObject.status()).isEqualTo(400);
        Reply missing = EmulatorFixture.post(acme.url() + "/api/2.0/sql/statements", token, "{\"statement\":\"SELECT 1\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
        Reply badWait = EmulatorFixture.post(acme.url() + "/api/2.0/sql/statements", token,
                "{\"statement\":\"SELECT 1\",\"warehouse_id\":\"" + acme.settings().warehouseId() + "\",\"wait_timeout\":\"3s\"}");
        assertThat(badWait.status()).isEqualTo(400);
        assertThat(badWait.json().get("message").asText()).contains("wait_timeout");
        Reply badType = EmulatorFixture.post(acme.url() + "/api/2.1/clusters/resize", token, "{\"cluster_id\":{\"x\":1}}");
        assertThat(badType.status()).isEqualTo(400);
        Reply badLimit = EmulatorFixture.get(acme.url() + "/api/2.1/unity-catalog/catalogs?max_results=-1", token);
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badLimit.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
        Reply badToken = EmulatorFixture.get(acme.url() + "/api/2.1/unity-catalog/catalogs?page_token=bm9wZQ", token);
        assertThat(badToken.status()).isEqualTo(400);
    }

    @Test
    void invalidTokenIs403WithNumericErrorCode() throws Exception {
        Reply reply = EmulatorFixture.get(acme.url() + "/api/2.1/unity-catalog/catalogs", "dapi-not-a-token");
        assertThat(reply.status()).isEqualTo(403);
        JsonNode body = reply.json();
        assertThat(body.get("error_code").isNumber()).isTrue();
        assertThat(body.get("error_code").asInt()).isEqualTo(403);
        assertThat(body.get("message").asText()).isEqualTo("Invalid access token.");
        Reply anonymous = EmulatorFixture.get(acme.url() + "/api/2.1/unity-catalog/catalogs", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().has("message")).isTrue();
    }

    @Test
    void paginationAlwaysCarriesTheItemsKey() throws Exception {
        JsonNode first = EmulatorFixture.get(acme.url()
                + "/api/2.1/unity-catalog/tables?catalog_name=samples&schema_name=tpch&max_results=5", token).json();
        assertThat(first.get("tables")).hasSize(5);
        assertThat(first.get("next_page_token").asText()).isNotEmpty();
        JsonNode last = EmulatorFixture.get(acme.url() + "/api/2.1/unity-catalog/tables?catalog_name=samples&schema_name=tpch"
                + "&max_results=5&page_token=" + first.get("next_page_token").asText(), token).json();
        assertThat(last.get("tables")).hasSize(2);
        assertThat(last.has("next_page_token")).isFalse();
    }

    @Test
    void forcedRateLimitAndUnavailableAndInternalError() throws Exception {
        addFault("{\"kind\":\"RATE_LIMIT\",\"family\":\"unity-catalog\",\"count\":1,\"retry_after_seconds\":2}");
        Reply limited = EmulatorFixture.get(acme.url() + "/api/2.1/unity-catalog/catalogs", token);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("2");
        assertThat(limited.json().get("error_code").asText()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
        assertThat(EmulatorFixture.get(acme.url() + "/api/2.1/unity-catalog/catalogs", token).status()).isEqualTo(200);

        addFault("{\"kind\":\"UNAVAILABLE\",\"path_prefix\":\"/api/2.2/jobs\",\"count\":1}");
        Reply unavailable = EmulatorFixture.get(acme.url() + "/api/2.2/jobs/list", token);
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.header("Retry-After")).isEqualTo("1");
        assertThat(unavailable.json().get("error_code").asText()).isEqualTo("TEMPORARILY_UNAVAILABLE");

        addFault("{\"kind\":\"INTERNAL_ERROR\",\"family\":\"sql\",\"method\":\"GET\",\"count\":1}");
        Reply failed = EmulatorFixture.get(acme.url() + "/api/2.0/sql/statements/01ef0000-0000-0000-0000-000000000000", token);
        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.json().get("error_code").asText()).isEqualTo("INTERNAL_ERROR");
        assertThat(failed.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void latencyIsAdded() throws Exception {
        addFault("{\"kind\":\"LATENCY\",\"family\":\"scim\",\"latency_ms\":700,\"count\":1}");
        long started = System.nanoTime();
        assertThat(EmulatorFixture.get(acme.url() + "/api/2.0/preview/scim/v2/Me", token).status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
    }

    @Test
    void droppedConnectionGivesNoResponse() throws Exception {
        // no count: the JDK client silently retries a GET once on a dropped connection
        String id = addFault("{\"kind\":\"DROP_CONNECTION\",\"path_prefix\":\"/api/2.0/sql/warehouses\"}")
                .json().get("id").asText();
        HttpRequest request = HttpRequest.newBuilder(URI.create(acme.url() + "/api/2.0/sql/warehouses"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build();
        assertThatThrownBy(() -> EmulatorFixture.send(request)).isInstanceOf(IOException.class);
        EmulatorFixture.delete(acme.url() + "/emulator/admin/faults/" + id);
        assertThat(EmulatorFixture.get(acme.url() + "/api/2.0/sql/warehouses", token).status()).isEqualTo(200);
    }

    @Test
    void tokenEndpointOutageAndTimedFaults() throws Exception {
        addFault("{\"kind\":\"TOKEN_OUTAGE\",\"duration_ms\":600}");
        HttpRequest tokenRequest = HttpRequest.newBuilder(URI.create(acme.url() + "/oidc/v1/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=acme-m2m-client"
                        + "&client_secret=acme-m2m-secret")).build();
        Reply outage = EmulatorFixture.send(tokenRequest);
        assertThat(outage.status()).isEqualTo(503);
        assertThat(outage.json().get("error").asText()).isEqualTo("temporarily_unavailable");
        // other endpoints are unaffected, and the outage ends by itself
        assertThat(EmulatorFixture.get(acme.url() + "/api/2.0/preview/scim/v2/Me", token).status()).isEqualTo(200);
        Thread.sleep(800);
        assertThat(EmulatorFixture.send(tokenRequest).status()).isEqualTo(200);
    }

    @Test
    void faultsAreListedAndReset() throws Exception {
        String id = addFault("{\"kind\":\"RATE_LIMIT\",\"family\":\"jobs\"}").json().get("id").asText();
        JsonNode listed = EmulatorFixture.get(acme.url() + "/emulator/admin/faults", null).json();
        assertThat(listed.get("faults")).hasSize(1);
        assertThat(listed.get("faults").get(0).get("family").asText()).isEqualTo("jobs");
        assertThat(EmulatorFixture.delete(acme.url() + "/emulator/admin/faults/" + id).status()).isEqualTo(200);
        assertThat(EmulatorFixture.get(acme.url() + "/emulator/admin/faults", null).json().get("faults")).isEmpty();
        assertThat(EmulatorFixture.post(acme.url() + "/emulator/admin/faults", null, "{\"kind\":\"EXPLODE\"}").status())
                .isEqualTo(400);
        JsonNode requests = EmulatorFixture.get(acme.url() + "/emulator/admin/requests", null).json();
        assertThat(requests.get("total").asLong()).isPositive();
    }
}
