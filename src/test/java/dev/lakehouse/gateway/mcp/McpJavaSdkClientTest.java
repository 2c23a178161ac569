package dev.lakehouse.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.lakehouse.gateway.support.CancellationProbe;
import dev.lakehouse.gateway.support.GatewayTestBase;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The official MCP Java SDK client as the agent: happy path, progress and cancellation. */
class McpJavaSdkClientTest extends GatewayTestBase {

    @Autowired
    CancellationProbe probe;

    @Autowired
    SessionRegistry sessions;

    private HttpClientStreamableHttpTransport transport(AtomicReference<String> lastToolsCallBody) {
        return HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port).endpoint("/mcp")
                .httpRequestCustomizer((builder, method, uri, body, context) -> {
                    if (body != null && body.contains("\"tools/call\"")) {
                        lastToolsCallBody.set(body);
                    }
                })
                .build();
    }

    @Test
    void happyPathInitializeListCallPingAndClose() {
        var transport = transport(new AtomicReference<>());
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build()) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.protocolVersion()).isEqualTo("2025-11-25");
            assertThat(init.serverInfo().name()).isEqualTo("databricks-mcp-gateway");
            assertThat(init.capabilities().tools()).isNotNull();

            List<McpSchema.Tool> tools = client.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name).contains("gateway_info", "test_simple_text");
            assertThat(tools).allSatisfy(t -> assertThat(t.description()).isNotBlank());

            McpSchema.CallToolResult info = client.callTool(McpSchema.CallToolRequest.builder("gateway_info")
                    .arguments(Map.of()).build());
            assertThat(info.isError()).isFalse();
            assertThat(info.structuredContent()).isInstanceOf(Map.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> structured = (Map<String, Object>) info.structuredContent();
            assertThat(structured).containsEntry("tenant", "demo")
                    .containsEntry("protocolVersion", "2025-11-25");
            assertThat(((McpSchema.TextContent) info.content().get(0)).text()).contains("\"tenant\":\"demo\"");

            McpSchema.CallToolResult text = client.callTool(McpSchema.CallToolRequest.builder("test_simple_text").build());
            assertThat(((McpSchema.TextContent) text.content().get(0)).text())
                    .isEqualTo("This is a simple text response for testing.");

            McpSchema.CallToolResult invalid = client.callTool(McpSchema.CallToolRequest.builder("test_sampling")
                    .arguments(Map.of("prompt", 42)).build());
            assertThat(invalid.isError()).isTrue();
            assertThat(((McpSchema.TextContent) invalid.content().get(0)).text()).contains("Invalid arguments");

            assertThat(client.ping()).isNotNull();
            client.setLoggingLevel(McpSchema.LoggingLevel.INFO);
        }
    }

    @Test
    void progressNotificationsArriveInOrderBeforeTheResult() {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        var transport = transport(new AtomicReference<>());
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20))
                .progressConsumer(progress::add).build()) {
            client.initialize();
            McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder("test_tool_with_progress")
                    .progressToken("p-1").build());
            assertThat(result.isError()).isFalse();
            assertThat(progress).hasSize(3);
            assertThat(progress).extracting(McpSchema.ProgressNotification::progress).containsExactly(0.0, 50.0, 100.0);
            assertThat(progress).allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("p-1"));
        }
    }

    @Test
    void cancellationStopsTheServerSideWorkAndSendsNoResponse() throws Exception {
        // The SDK client has no cancel API: it exposes its transport, which sends our notifications/cancelled.
        AtomicReference<String> toolsCallBody = new AtomicReference<>();
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        var transport = transport(toolsCallBody);
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(4))
                .progressConsumer(progress::add).build()) {
            client.initialize();
            var pending = new Thread(() -> client.callTool(McpSchema.CallToolRequest.builder("test_wait_for_cancel")
                    .arguments(Map.of("label", "sdk-cancel")).progressToken("c-1").build()));
            AtomicReference<Throwable> callOutcome = new AtomicReference<>();
            pending.setUncaughtExceptionHandler((t, e) -> callOutcome.set(e));
            pending.start();

            await().atMost(Duration.ofSeconds(10)).until(() -> probe.ticks("sdk-cancel") >= 3 && progress.size() >= 2);
            JsonNode requestId = JSON.readTree(toolsCallBody.get()).get("id");
            transport.sendMessage(new McpSchema.JSONRPCNotification("2.0", "notifications/cancelled",
                    Map.of("requestId", requestId, "reason", "test cancels"))).block(Duration.ofSeconds(5));

            await().atMost(Duration.ofSeconds(5)).until(() -> probe.sawCancel("sdk-cancel"));
            int ticksAtCancel = probe.ticks("sdk-cancel");
            Thread.sleep(500);
            assertThat(probe.ticks("sdk-cancel")).as("no work after cancellation").isEqualTo(ticksAtCancel);

            pending.join(10_000);
            // no response is ever sent for a cancelled request: the client's own timeout ends the call
            assertThat(callOutcome.get()).isNotNull();
            assertThat(callOutcome.get().getMessage()).containsIgnoringCase("timeout");
        }
    }

    @Test
    void initializeIsNeverCancelledAndUnknownCancellationsAreIgnored() {
        var transport = transport(new AtomicReference<>());
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)).build()) {
            client.initialize();
            transport.sendMessage(new McpSchema.JSONRPCNotification("2.0", "notifications/cancelled",
                    Map.of("requestId", TextNode.valueOf("no-such-request")))).block(Duration.ofSeconds(5));
            assertThat(client.ping()).isNotNull();
        }
    }
}
