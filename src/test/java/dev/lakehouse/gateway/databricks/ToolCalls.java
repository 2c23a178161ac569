package dev.lakehouse.gateway.databricks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;

/** Calls of the Databricks tools through the MCP Java SDK client, with the checks every such test repeats. */
final class ToolCalls {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolCalls() {
    }

    /** Arguments from key/value pairs (Map.of refuses more than 10 and nulls). */
    static Map<String, Object> args(Object... pairs) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** A successful call: its JSON text parsed. */
    static JsonNode ok(McpSyncClient client, String tool, Map<String, Object> arguments) {
        McpSchema.CallToolResult result = McpTestClients.call(client, tool, arguments);
        String text = McpTestClients.text(result);
        assertThat(result.isError()).as("%s %s failed: %s", tool, arguments, text).isFalse();
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(tool + " did not answer JSON: " + text, e);
        }
    }

    /** A tool error (isError result, not a JSON-RPC error): its text, checked to carry no Java internals. */
    static String error(McpSyncClient client, String tool, Map<String, Object> arguments) {
        McpSchema.CallToolResult result = McpTestClients.call(client, tool, arguments);
        String text = McpTestClients.text(result);
        assertThat(result.isError()).as("%s %s should fail, answered: %s", tool, arguments, text).isTrue();
        assertThat(text).doesNotContain("Exception").doesNotContain("java.").doesNotContain("failed unexpectedly");
        return text;
    }
}
