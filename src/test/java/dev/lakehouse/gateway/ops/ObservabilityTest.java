package dev.lakehouse.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakehouse.gateway.support.GatewayTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Known tool calls on the running gateway (embedded workspace emulator), then what an operator sees of them: the
 * Prometheus scrape with the right labels (and none that would leak a statement id, a user or a value), one audit
 * record per call in the database and as a JSON log line, under the request id the client was answered with — and
 * nowhere a canary value the SQL returned.
 */
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityTest extends GatewayTestBase {

    private static final String CANARY = "CANARY-7f3a91c2";

    @Autowired
    AuditTrail audit;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void metricsAndTheAuditTrailTellWhatHappenedWithoutThePayload(CapturedOutput output) throws Exception {
        String session = initialize();
        HttpResponse<String> catalogs = send(inSession(session, request(2, "tools/call",
                Map.of("name", "list_catalogs", "arguments", Map.of()))).build());
        assertThat(catalogs.body()).contains("\"catalogs");
        String catalogsRequestId = catalogs.headers().firstValue("X-Request-Id").orElseThrow();

        HttpResponse<String> sql = send(inSession(session, request(3, "tools/call", Map.of("name", "execute_sql",
                "arguments", Map.of("statement", "SELECT '" + CANARY + "' AS secret, 2 AS n")))).build());
        assertThat(sql.body()).contains(CANARY).contains("SUCCEEDED");
        Matcher statement = Pattern.compile("\"statement_id\"\\s*:\\s*\"([^\"]+)\"").matcher(sql.body());
        assertThat(statement.find()).as(sql.body()).isTrue();
        String statementId = statement.group(1);

        HttpResponse<String> toolError = send(inSession(session, request(4, "tools/call", Map.of("name",
                "get_statement_result", "arguments", Map.of("statement_id", "01ef0000-0000-0000-0000-000000000000")))).build());
        assertThat(toolError.body()).contains("\"isError\":true");
        HttpResponse<String> unknown = send(inSession(session, request(5, "tools/call", Map.of("name",
                "no_such_tool", "arguments", Map.of()))).build());
        assertThat(unknown.body()).contains("-32602");

        // the scrape: Prometheus text format, gateway and Camel meters with bounded labels
        String scrape = get("/actuator/prometheus");
        assertThat(sample(scrape, "gateway_tool_calls_seconds_count", "group=\"catalog\"", "outcome=\"ok\"",
                "tenant=\"demo\"", "tool=\"list_catalogs\"")).isGreaterThanOrEqualTo(1);
        assertThat(sample(scrape, "gateway_tool_calls_seconds_count", "outcome=\"ok\"", "tool=\"execute_sql\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(sample(scrape, "gateway_tool_calls_seconds_count", "outcome=\"error\"", "tool=\"get_statement_result\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(sample(scrape, "gateway_tool_calls_seconds_count", "outcome=\"rejected\"", "tool=\"unknown\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(scrape).contains("gateway_tool_calls_seconds_bucket{");
        assertThat(sample(scrape, "gateway_databricks_calls_seconds_count", "family=\"unity-catalog\"", "status=\"200\"",
                "tenant=\"demo\"")).isGreaterThanOrEqualTo(1);
        assertThat(sample(scrape, "gateway_tool_result_rows_sum", "tool=\"execute_sql\"")).isGreaterThanOrEqualTo(1);
        assertThat(sample(scrape, "gateway_tool_result_bytes_sum", "tool=\"list_catalogs\"")).isGreaterThan(10);
        assertThat(scrape).containsPattern("camel_exchanges_[a-z_]*\\{[^}]*routeId=\"mcp-tools-call\"");
        assertThat(scrape).containsPattern("(?m)^gateway_upstream_pace\\{");
        assertThat(sample(scrape, "gateway_upstream_breaker_state", "state=\"closed\"")).as("a workspace's breaker, closed")
                .isGreaterThanOrEqualTo(1);
        assertThat(sample(scrape, "gateway_mcp_sessions")).as("sessions held").isGreaterThanOrEqualTo(1);
        assertThat(scrape).contains("gateway_mcp_calls_in_flight");
        assertThat(scrape).doesNotContain(statementId).doesNotContain(CANARY).doesNotContain("no_such_tool")
                .doesNotContain("subject=").doesNotContain("anonymous");

        // the Grafana dashboard in the repository queries only meters this scrape has (it cannot rot unnoticed)
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("deploy/grafana/gateway-dashboard.json"));
        Matcher meter = Pattern.compile("\\b((?:gateway|camel|jvm)_[a-z_]+)").matcher(dashboard);
        java.util.Set<String> queried = new java.util.TreeSet<>();
        while (meter.find()) {
            queried.add(meter.group(1));
        }
        assertThat(queried).hasSizeGreaterThan(8);
        // exact sample names: a unit suffix Prometheus adds (gateway_upstream_pace_requests_s) is another meter
        assertThat(queried).allSatisfy(name -> assertThat(scrape.lines()
                .anyMatch(line -> line.startsWith(name + "{") || line.startsWith(name + " ")))
                .as("dashboard meter " + name + " in the scrape").isTrue());

        // the audit trail: a record per call, under the id the client saw; metadata only
        assertThat(audit.flush(10_000)).isTrue();
        List<Map<String, Object>> records = audit.query("demo", null, null, null, 50);
        Map<String, Object> catalogsRecord = records.stream()
                .filter(r -> catalogsRequestId.equals(r.get("request_id"))).findFirst().orElseThrow();
        assertThat(catalogsRecord).containsEntry("kind", "tool").containsEntry("action", "list_catalogs")
                .containsEntry("tool_group", "catalog").containsEntry("outcome", "ok").containsEntry("subject", "anonymous");
        assertThat(catalogsRecord.get("connection")).isNotNull();
        assertThat(((Number) catalogsRecord.get("bytes")).longValue()).isPositive();
        Map<String, Object> sqlRecord = records.stream().filter(r -> statementId.equals(r.get("statement_id")))
                .findFirst().orElseThrow();
        assertThat(sqlRecord).containsEntry("action", "execute_sql").containsEntry("outcome", "ok");
        assertThat(((Number) sqlRecord.get("rows")).longValue()).isEqualTo(1);
        assertThat(sqlRecord.get("sql_text")).as("SQL text is off by default").isNull();
        assertThat(sqlRecord.get("sql_hash")).isNull();
        assertThat(records).anySatisfy(r -> assertThat(r).containsEntry("action", "get_statement_result")
                .containsEntry("outcome", "error").containsKey("error_class"));
        assertThat(records).anySatisfy(r -> assertThat(r).containsEntry("action", "no_such_tool")
                .containsEntry("outcome", "rejected"));

        // no payload anywhere: every column of every row, and the JSON log lines
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT * FROM audit_events");
        assertThat(rows.toString()).doesNotContain(CANARY);
        assertThat(output.getAll()).contains("\"requestId\":\"" + catalogsRequestId + "\"");
        assertThat(output.getAll().lines().filter(line -> line.contains("gateway.audit")))
                .isNotEmpty().noneMatch(line -> line.contains(CANARY));
    }

    /** A slow statement counts as waiting while the gateway polls it, and no longer once answered. */
    @Test
    void aStatementBeingPolledCountsAsWaitingUntilItIsAnswered() throws Exception {
        String session = initialize();
        java.util.concurrent.CompletableFuture<HttpResponse<String>> slow = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return send(inSession(session, request(2, "tools/call", Map.of("name", "execute_sql",
                                // a timeout under the submit wait (5 s): submitted without waiting, then polled
                                "arguments", Map.of("statement", "SELECT sleep(3) AS slept", "timeout_seconds", 4))))
                                .build());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        double waiting = 0;
        while (waiting < 1 && !slow.isDone() && System.nanoTime() < deadline) {
            waiting = sample(get("/actuator/prometheus"), "gateway_sql_statements_waiting");
            Thread.sleep(50);
        }
        assertThat(waiting).as("statements waiting while one is polled").isEqualTo(1);
        assertThat(slow.get(30, java.util.concurrent.TimeUnit.SECONDS).body()).contains("SUCCEEDED");
        assertThat(sample(get("/actuator/prometheus"), "gateway_sql_statements_waiting")).as("after the answer").isZero();
    }

    @Test
    void theAdminApiReadsATenantsAuditAndRefusesBadFilters() throws Exception {
        String session = initialize();
        send(inSession(session, request(2, "tools/call", Map.of("name", "gateway_info", "arguments", Map.of()))).build());
        assertThat(audit.flush(10_000)).isTrue();
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/admin/tenants/demo/audit?tool=gateway_info&limit=5")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        JsonNode body = json(page.body());
        assertThat(body.path("records").size()).isBetween(1, 5);
        body.path("records").forEach(r -> assertThat(r.path("action").asText()).isEqualTo("gateway_info"));
        for (String bad : List.of("limit=0", "limit=abc", "limit=5000", "since=yesterday", "outcome=boom",
                "tool=%27%3Bdrop")) {
            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/admin/tenants/demo/audit?" + bad)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(refused.body()).doesNotContain("Exception");
        }
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    /** The value of the first sample of {@code name} whose labels contain every given {@code label="value"}. */
    private static double sample(String scrape, String name, String... labels) {
        return scrape.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> List.of(labels).stream().allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(-1);
    }
}
