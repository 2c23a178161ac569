package dev.lakehouse.gateway.databricks;

import static dev.lakehouse.gateway.support.McpTestClients.call;
import static dev.lakehouse.gateway.support.McpTestClients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/**
 * The SQL pipeline through an MCP client against the embedded emulator: sync and async statements, progress,
 * cancellation reaching the upstream cancel, multi-chunk results, row and byte caps, paging, the read-only guard,
 * writes where allowed, and errors the model can act on. (Test profile: 10-row chunks, 8 KiB text cap.)
 */
class SqlToolsTest extends GatewayTestBase {

    @Autowired
    Environment environment;

    private McpSyncClient client() {
        return McpTestClients.plain(port, null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> structured(McpSchema.CallToolResult result) {
        assertThat(result.isError()).as(text(result)).isFalse();
        return (Map<String, Object>) result.structuredContent();
    }

    @Test
    void aSmallQueryReturnsColumnsRowsAndACompactText() {
        try (McpSyncClient client = client()) {
            McpSchema.CallToolResult result = call(client, "execute_sql",
                    Map.of("statement", "SELECT r_regionkey, r_name FROM samples.tpch.region ORDER BY r_regionkey"));
            Map<String, Object> rows = structured(result);
            assertThat(rows.get("state")).isEqualTo("SUCCEEDED");
            assertThat(rows.get("warehouse_id")).isEqualTo("abe1d5bac8fac744");
            assertThat((List<?>) rows.get("columns")).hasSize(2);
            assertThat(rows.get("rows")).isEqualTo(List.of(List.of("0", "AFRICA"), List.of("1", "AMERICA"),
                    List.of("2", "ASIA"), List.of("3", "EUROPE"), List.of("4", "MIDDLE EAST")));
            assertThat(rows).containsEntry("row_count", 5).containsEntry("total_row_count", 5).containsEntry("truncated", false);
            assertThat(text(result)).contains("rows 1-5 of 5").contains("AFRICA").doesNotContain("TRUNCATED");
        }
    }

    @Test
    void namedParametersAreBoundNotConcatenated() {
        try (McpSyncClient client = client()) {
            Map<String, Object> rows = structured(call(client, "execute_sql", Map.of(
                    "statement", "SELECT n_name FROM samples.tpch.nation WHERE n_nationkey < :k AND n_name <> :skip ORDER BY n_name",
                    "parameters", Map.of("k", 3, "skip", "x' OR '1'='1"))));
            assertThat(rows.get("rows")).isEqualTo(List.of(List.of("ALGERIA"), List.of("ARGENTINA"), List.of("BRAZIL")));
        }
    }

    @Test
    void aSlowStatementIsPolledWithProgressUntilItsRowsArrive() {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = McpTestClients.plain(port, progress)) {
            // timeout 4 s < the 5 s submit wait: submitted with wait_timeout=0s, so PENDING/RUNNING, then polled
            McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder("execute_sql")
                    .arguments(Map.of("statement", "SELECT sleep(2) AS slept", "timeout_seconds", 4))
                    .progressToken("sql-1").build());
            Map<String, Object> rows = structured(result);
            assertThat(rows.get("rows")).isEqualTo(List.of(List.of("2.0")));   // sleep() returns its DOUBLE argument
            assertThat(progress).isNotEmpty();
            assertThat(progress).extracting(McpSchema.ProgressNotification::progress).isSorted();
            assertThat(progress.get(0).message()).contains("statement ").containsAnyOf("PENDING", "RUNNING");
            assertThat(progress.get(0).total()).isEqualTo(4.0);
        }
    }

    @Test
    void atTheDeadlineTheAgentGetsAHandleAndGetStatementResultResumesIt() {
        try (McpSyncClient client = client()) {
            Map<String, Object> running = structured(call(client, "execute_sql",
                    Map.of("statement", "SELECT sleep(3) AS slept", "timeout_seconds", 1)));
            assertThat(running.get("state")).isIn("PENDING", "RUNNING");
            String id = (String) running.get("statement_id");
            assertThat(id).isNotBlank();

            Map<String, Object> done = structured(call(client, "get_statement_result",
                    Map.of("statement_id", id, "timeout_seconds", 10)));
            assertThat(done.get("state")).isEqualTo("SUCCEEDED");
            assertThat(done.get("rows")).isEqualTo(List.of(List.of("3.0")));
        }
    }

    @Test
    void cancellationFromTheAgentCancelsTheStatementUpstream() throws Exception {
        AtomicReference<String> statementId = new AtomicReference<>();
        Pattern id = Pattern.compile("statement (\\S+) is");
        var transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port).endpoint("/mcp").build();
        AtomicReference<String> callBody = new AtomicReference<>();
        var capturing = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port).endpoint("/mcp")
                .httpRequestCustomizer((b, m, u, body, c) -> {
                    if (body != null && body.contains("execute_sql")) {
                        callBody.set(body);
                    }
                }).build();
        try (McpSyncClient client = McpClient.sync(capturing).requestTimeout(Duration.ofSeconds(5))
                .progressConsumer(p -> {
                    Matcher m = id.matcher(p.message() == null ? "" : p.message());
                    if (m.find()) {
                        statementId.set(m.group(1));
                    }
                }).build()) {
            client.initialize();
            Thread caller = new Thread(() -> {
                try {
                    client.callTool(McpSchema.CallToolRequest.builder("execute_sql")
                            .arguments(Map.of("statement", "SELECT sleep(30) AS long_one", "timeout_seconds", 4))
                            .progressToken("sql-cancel").build());
                } catch (RuntimeException expected) {
                    // a cancelled request gets no response: the client's own timeout ends the call
                }
            });
            caller.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> statementId.get() != null && callBody.get() != null);

            JsonNode requestId = JSON.readTree(callBody.get()).get("id");
            capturing.sendMessage(new McpSchema.JSONRPCNotification("2.0", "notifications/cancelled",
                    Map.of("requestId", requestId))).block(Duration.ofSeconds(5));

            await().atMost(Duration.ofSeconds(10)).until(() -> "CANCELED".equals(upstreamState(statementId.get())));
            caller.join(10_000);
        }
        transport.closeGracefully().block(Duration.ofSeconds(2));
    }

    /** The statement's state as the workspace itself reports it (read with the workspace PAT, not through the gateway). */
    private String upstreamState(String statementId) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create(environment.getProperty("emulator.url.acme") + "/api/2.0/sql/statements/" + statementId))
                .header("Authorization", "Bearer dapi-acme-emulator-pat").build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).path("status").path("state").asText();
    }

    @Test
    void aResultSpanningThreeChunksIsFetchedChunkByChunkInOrder() {
        try (McpSyncClient client = client()) {
            Map<String, Object> rows = structured(call(client, "execute_sql", Map.of(
                    "statement", "SELECT n_nationkey FROM samples.tpch.nation ORDER BY n_nationkey", "row_limit", 25)));
            assertThat(rows).containsEntry("row_count", 25).containsEntry("total_row_count", 25).containsEntry("truncated", false);
            List<?> all = (List<?>) rows.get("rows");
            for (int i = 0; i < 25; i++) {
                assertThat(all.get(i)).isEqualTo(List.of(String.valueOf(i)));
            }
        }
    }

    @Test
    void rowCapsTruncateAndPagesContinueWhereTheLastAnswerStopped() {
        try (McpSyncClient client = client()) {
            Map<String, Object> first = structured(call(client, "execute_sql", Map.of(
                    "statement", "SELECT n_nationkey FROM samples.tpch.nation ORDER BY n_nationkey", "row_limit", 7)));
            assertThat(first).containsEntry("row_count", 7).containsEntry("total_row_count", 25)
                    .containsEntry("truncated", true).containsEntry("next_page", 7);

            McpSchema.CallToolResult second = call(client, "get_statement_result", Map.of(
                    "statement_id", first.get("statement_id"), "page", 7, "row_limit", 7));
            Map<String, Object> page = structured(second);
            assertThat(page.get("rows")).isEqualTo(List.of(List.of("7"), List.of("8"), List.of("9"), List.of("10"),
                    List.of("11"), List.of("12"), List.of("13")));
            assertThat(page).containsEntry("next_page", 14);
            assertThat(text(second)).contains("rows 8-14 of 25").contains("TRUNCATED").contains("page=14");

            Map<String, Object> last = structured(call(client, "get_statement_result", Map.of(
                    "statement_id", first.get("statement_id"), "page", 21, "row_limit", 100)));
            assertThat(last).containsEntry("row_count", 4).containsEntry("truncated", false);
            assertThat(last.get("next_page")).isNull();
        }
    }

    @Test
    void theByteCapTruncatesWideResultsAndSaysSo() {
        try (McpSyncClient client = client()) {
            McpSchema.CallToolResult result = call(client, "execute_sql", Map.of(
                    "statement", "SELECT o_orderkey, o_comment, o_comment AS again FROM samples.tpch.orders ORDER BY o_orderkey",
                    "row_limit", 1000));
            Map<String, Object> rows = structured(result);
            assertThat((Integer) rows.get("row_count")).isLessThan(1000).isPositive();
            assertThat(rows).containsEntry("truncated", true);
            assertThat(text(result).getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(8192 + 400);
            assertThat(text(result)).contains("TRUNCATED").contains("get_statement_result");
        }
    }

    @Test
    void cancelStatementStopsARunningStatement() {
        try (McpSyncClient client = client()) {
            Map<String, Object> running = structured(call(client, "execute_sql",
                    Map.of("statement", "SELECT sleep(20) AS s", "timeout_seconds", 1)));
            McpSchema.CallToolResult cancelled = call(client, "cancel_statement", Map.of("statement_id", running.get("statement_id")));
            assertThat(cancelled.isError()).isFalse();
            assertThat(text(cancelled)).contains("CANCELED");
            McpSchema.CallToolResult after = call(client, "get_statement_result", Map.of("statement_id", running.get("statement_id")));
            assertThat(after.isError()).isTrue();
            assertThat(text(after)).contains("cancelled");
        }
    }

    @Test
    void readOnlyWorkspacesRefuseWritesAndAllowingOnesRunThem() {
        try (McpSyncClient client = client()) {
            McpSchema.CallToolResult refused = call(client, "execute_sql",
                    Map.of("statement", "CREATE TABLE main.default.agent_table AS SELECT 1 AS a"));
            assertThat(refused.isError()).isTrue();
            assertThat(text(refused)).contains("read-only").contains("acme");

            McpSchema.CallToolResult hidden = call(client, "execute_sql",
                    Map.of("statement", "SELECT 1; DROP TABLE main.default.x"));
            assertThat(hidden.isError()).isTrue();
            assertThat(text(hidden)).contains("one statement");

            // globex: sql group on, connection not read-only
            McpSchema.CallToolResult created = call(client, "execute_sql", Map.of("workspace", "globex",
                    "statement", "CREATE OR REPLACE TABLE main.default.agent_table AS SELECT 42 AS answer"));
            assertThat(created.isError()).as(text(created)).isFalse();
            Map<String, Object> read = structured(call(client, "execute_sql", Map.of("workspace", "globex",
                    "statement", "SELECT answer FROM main.default.agent_table")));
            assertThat(read.get("rows")).isEqualTo(List.of(List.of("42")));
        }
    }

    @Test
    void aStatementHandleBelongsToTheConnectionThatStartedIt() {
        try (McpSyncClient client = client()) {
            Map<String, Object> started = structured(call(client, "execute_sql", Map.of("statement", "SELECT 1 AS one")));
            Object id = started.get("statement_id");
            assertThat(structured(call(client, "get_statement_result", Map.of("statement_id", id))).get("rows"))
                    .isEqualTo(List.of(List.of("1")));
            McpSchema.CallToolResult foreign = call(client, "get_statement_result", Map.of("statement_id", id, "workspace", "globex"));
            assertThat(foreign.isError()).isTrue();
            assertThat(text(foreign)).contains("unknown on this workspace");
            McpSchema.CallToolResult cancel = call(client, "cancel_statement", Map.of("statement_id", id, "workspace", "globex"));
            assertThat(cancel.isError()).isTrue();
        }
    }

    @Test
    void failuresAreToolErrorsTheModelCanActOn() {
        try (McpSyncClient client = client()) {
            McpSchema.CallToolResult missing = call(client, "execute_sql", Map.of("statement", "SELECT * FROM samples.tpch.nope"));
            assertThat(missing.isError()).isTrue();
            assertThat(text(missing)).contains("SQLSTATE").contains("search_tables").doesNotContain("Exception");

            McpSchema.CallToolResult badWarehouse = call(client, "execute_sql",
                    Map.of("statement", "SELECT 1", "warehouse_id", "0000000000000000"));
            assertThat(badWarehouse.isError()).isTrue();
            assertThat(text(badWarehouse)).contains("list_sql_warehouses").doesNotContain("java.");

            McpSchema.CallToolResult unknown = call(client, "get_statement_result", Map.of("statement_id", "01ef-unknown"));
            assertThat(unknown.isError()).isTrue();
            assertThat(text(unknown)).contains("run the query again");   // never started here: unknown

            McpSchema.CallToolResult invalid = call(client, "get_statement_result", Map.of("statement_id", "../../etc"));
            assertThat(invalid.isError()).isTrue();
            assertThat(text(invalid)).contains("statement_id");
        }
    }
}
