package dev.lakehouse.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.test.context.TestPropertySource;

/**
 * Benchmark (not part of mvn verify; run it with {@code mvn test -Dtest=SqlRenderingBenchmark}): for the same
 * 100-row results, the bytes an agent's context receives from execute_sql's text rendering, against the bytes of
 * the upstream Statement Execution API JSON (the statement answer plus every chunk it takes to reach 100 rows).
 */
@TestPropertySource(properties = "gateway.databricks.sql.max-result-bytes=1000000")   // whole 100-row renderings
class SqlRenderingBenchmark extends GatewayTestBase {

    static final Map<String, String> QUERIES = new LinkedHashMap<>();
    static {
        QUERIES.put("narrow (2 numeric columns)", "SELECT o_orderkey, o_totalprice FROM samples.tpch.orders ORDER BY o_orderkey LIMIT 100");
        QUERIES.put("orders (9 mixed columns)", "SELECT * FROM samples.tpch.orders ORDER BY o_orderkey LIMIT 100");
        QUERIES.put("lineitem (16 columns)", "SELECT * FROM samples.tpch.lineitem ORDER BY l_orderkey, l_linenumber LIMIT 100");
        QUERIES.put("taxi trips", "SELECT * FROM samples.nyctaxi.trips LIMIT 100");
    }

    @Autowired
    Environment environment;

    @Test
    void textRenderingAgainstUpstreamJson() throws Exception {
        StringBuilder report = new StringBuilder("\nSQL result rendering, 100 rows each (bytes)\n");
        report.append(String.format("%-28s %12s %12s %12s %10s%n", "result", "upstream", "our text", "structured", "text/json"));
        try (McpSyncClient client = McpTestClients.plain(port, null)) {
            for (Map.Entry<String, String> query : QUERIES.entrySet()) {
                long upstream = upstreamJsonBytes(query.getValue());
                McpSchema.CallToolResult result = McpTestClients.call(client, "execute_sql",
                        Map.of("statement", query.getValue(), "row_limit", 100));
                String text = McpTestClients.text(result);
                long structured = JSON.writeValueAsBytes(result.structuredContent()).length;
                long ours = text.getBytes(StandardCharsets.UTF_8).length;
                report.append(String.format("%-28s %12d %12d %12d %9.0f%%%n", query.getKey(), upstream, ours, structured,
                        100.0 * ours / upstream));
                assertThat(upstream).isPositive();
            }
        }
        System.out.println(report);
    }

    /** The JSON the Statement Execution API sends for the first 100 rows: statement answer + chunks 1..n. */
    private long upstreamJsonBytes(String statement) throws Exception {
        String base = environment.getProperty("emulator.url.acme");
        String body = JSON.writeValueAsString(Map.of("statement", statement, "warehouse_id", "abe1d5bac8fac744",
                "wait_timeout", "30s", "disposition", "INLINE", "format", "JSON_ARRAY"));
        HttpResponse<String> first = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/2.0/sql/statements"))
                .header("Authorization", "Bearer dapi-acme-emulator-pat").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        long bytes = first.body().getBytes(StandardCharsets.UTF_8).length;
        JsonNode statementAnswer = JSON.readTree(first.body());
        String id = statementAnswer.path("statement_id").asText();
        JsonNode next = statementAnswer.path("result").path("next_chunk_index");
        long rows = statementAnswer.path("result").path("row_count").asLong();
        while (!next.isMissingNode() && !next.isNull() && rows < 100) {
            HttpResponse<String> chunk = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/2.0/sql/statements/" + id
                    + "/result/chunks/" + next.asInt())).header("Authorization", "Bearer dapi-acme-emulator-pat").build(),
                    HttpResponse.BodyHandlers.ofString());
            bytes += chunk.body().getBytes(StandardCharsets.UTF_8).length;
            JsonNode chunkAnswer = JSON.readTree(chunk.body());
            rows += chunkAnswer.path("row_count").asLong();
            next = chunkAnswer.path("next_chunk_index");
        }
        return bytes;
    }
}
