package dev.lakehouse.gateway.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;

/** MCP Java SDK clients for tool tests: plain, or able to answer elicitation/create like a human would. */
public final class McpTestClients {

    private McpTestClients() {
    }

    /** A client whose progress notifications are collected into {@code progress} (may be null). */
    public static McpSyncClient plain(int port, List<McpSchema.ProgressNotification> progress) {
        var spec = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port).endpoint("/mcp").build())
                .requestTimeout(Duration.ofSeconds(60));
        if (progress != null) {
            spec.progressConsumer(progress::add);
        }
        McpSyncClient client = spec.build();
        client.initialize();
        return client;
    }

    /** A client that declares elicitation and answers each request with {@code answer}; requests are recorded. */
    public static McpSyncClient withElicitation(int port, Function<McpSchema.ElicitRequest, McpSchema.ElicitResult> answer,
            List<McpSchema.ElicitRequest> asked) {
        McpSyncClient client = withElicitation(port, answer, asked, null);
        client.initialize();
        return client;
    }

    /** As above, not yet initialized, also collecting progress notifications into {@code progress} (may be null). */
    public static McpSyncClient withElicitation(int port, Function<McpSchema.ElicitRequest, McpSchema.ElicitResult> answer,
            List<McpSchema.ElicitRequest> asked, List<McpSchema.ProgressNotification> progress) {
        var spec = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                        .endpoint("/mcp").build())
                .requestTimeout(Duration.ofSeconds(60))
                .capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> {
                    asked.add(request);
                    return answer.apply(request);
                });
        if (progress != null) {
            spec.progressConsumer(progress::add);
        }
        return spec.build();
    }

    /** Elicitation answers: the human says yes, or no. */
    public static McpSchema.ElicitResult yes(McpSchema.ElicitRequest request) {
        return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("confirm", true));
    }

    public static McpSchema.ElicitResult no(McpSchema.ElicitRequest request) {
        return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null);
    }

    public static List<McpSchema.ElicitRequest> recorder() {
        return new CopyOnWriteArrayList<>();
    }

    public static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(arguments).build());
    }

    public static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }
}
