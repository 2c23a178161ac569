package dev.lakehouse.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Requests that can neither stream nor wait for the client run inline on the HTTP thread (issue 25: no hand-off to a
 * call worker), the rest on the workers. The audit line of each tool call names the thread that ran it.
 */
@ExtendWith(OutputCaptureExtension.class)
class InlineCallsTest extends GatewayTestBase {

    @Test
    void localToolsRunOnTheHttpThreadAndUpstreamToolsOnTheWorkers(CapturedOutput output) {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        McpSyncClient client = McpTestClients.plain(port, progress);
        try {
            McpSchema.CallToolResult info = McpTestClients.call(client, "gateway_info", Map.of());
            assertThat(info.isError()).as(McpTestClients.text(info)).isFalse();
            McpSchema.CallToolResult catalogs = McpTestClients.call(client, "list_catalogs", Map.of());
            assertThat(catalogs.isError()).as(McpTestClients.text(catalogs)).isFalse();
            assertThat(client.listTools().tools()).isNotEmpty();
        } finally {
            client.closeGracefully();
        }
        String infoLine = auditLine(output, "\"action\":\"gateway_info\"");
        String catalogsLine = auditLine(output, "\"action\":\"list_catalogs\"");
        assertThat(infoLine).as("inline on a Tomcat request thread").contains("mcp-http-").doesNotContain("mcp-call");
        assertThat(catalogsLine).as("on a call worker").contains("mcp-call");
    }

    private static String auditLine(CapturedOutput output, String action) {
        return output.getAll().lines().filter(l -> l.contains("gateway.audit") && l.contains(action))
                .reduce((first, last) -> last).orElseThrow(() -> new AssertionError("no audit line with " + action));
    }
}
