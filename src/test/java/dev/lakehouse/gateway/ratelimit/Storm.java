package dev.lakehouse.gateway.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.databricks.EmulatorAdmin;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A storm: N {@code list_tables} calls at once from one MCP session (the MCP Java SDK client, as an agent framework's
 * parallel fan-out), against one emulator workspace whose Unity Catalog family is limited to L requests per second.
 * What the agent saw (failures) and what the workspace saw (requests, 429s), and the wall time against the ideal N/L.
 */
final class Storm {

    record Result(String scenario, int calls, int failures, long upstreamRequests, long upstream429s, double wallSeconds,
            double idealSeconds, List<String> failureTexts, String learned) {

        Result withLearned(UpstreamLimit.Snapshot key) {
            return new Result(scenario, calls, failures, upstreamRequests, upstream429s, wallSeconds, idealSeconds,
                    failureTexts, String.format("%.1f/s", key.learnedRate()));
        }

        double wallRatio() {
            return wallSeconds / idealSeconds;
        }

        String row() {
            return String.format("| %s | %d | %d | %d | %d | %.2f s | %.2f s | %.2f× | %s |", scenario, calls, failures,
                    upstreamRequests, upstream429s, wallSeconds, idealSeconds, wallRatio(), learned);
        }
    }

    static final String HEADER = "| scenario | calls | agent-visible failures | upstream requests | upstream 429s | wall | ideal N/L "
            + "| wall/ideal | limit at the end |\n|---|---|---|---|---|---|---|---|---|";

    private Storm() {
    }

    static McpAsyncClient client(int port) {
        McpAsyncClient client = McpClient.async(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                .endpoint("/mcp").build()).requestTimeout(Duration.ofSeconds(90)).build();
        client.initialize().block(Duration.ofSeconds(30));
        return client;
    }

    /** The calls, all released at once; errors of the transport count as failures like isError results. */
    static Mono<List<McpSchema.CallToolResult>> calls(McpAsyncClient client, String workspace, int n) {
        McpSchema.CallToolRequest request = McpSchema.CallToolRequest.builder("list_tables")
                .arguments(Map.of("workspace", workspace, "catalog", "samples", "schema", "tpch")).build();
        return Flux.range(0, n)
                .flatMap(i -> client.callTool(request).onErrorResume(e -> Mono.just(McpSchema.CallToolResult.builder()
                        .addTextContent("transport error: " + e).isError(true).build())), n)
                .collectList();
    }

    static Result run(String scenario, McpAsyncClient client, EmulatorAdmin workspace, String connection, int n, int limit) {
        workspace.clearRequests();
        long start = System.nanoTime();
        List<McpSchema.CallToolResult> results = calls(client, connection, n).block(Duration.ofSeconds(120));
        double wall = (System.nanoTime() - start) / 1e9;
        return result(scenario, results, wall, workspace, n, limit);
    }

    static Result result(String scenario, List<McpSchema.CallToolResult> results, double wall, EmulatorAdmin workspace,
            int n, int limit) {
        List<String> failures = new ArrayList<>();
        for (McpSchema.CallToolResult result : results) {
            if (Boolean.TRUE.equals(result.isError())) {
                failures.add(((McpSchema.TextContent) result.content().get(0)).text());
            }
        }
        JsonNode family = workspace.family("unity-catalog");
        return new Result(scenario, n, failures.size(), family.path("received").asLong(),
                family.path("rate_limited").asLong(), wall, n / (double) limit, failures, "");
    }
}
