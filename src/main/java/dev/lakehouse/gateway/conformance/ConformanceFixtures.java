package dev.lakehouse.gateway.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.mcp.LogLevel;
import dev.lakehouse.gateway.mcp.McpCall;
import dev.lakehouse.gateway.mcp.McpProperties;
import io.modelcontextprotocol.spec.McpSchema;
import org.apache.camel.Exchange;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Logic behind the fixture tools of the official MCP conformance suite (routes/conformance). Loaded only in the
 * {@code conformance} profile; the fixtures go through the same catalog, routes and transport as real tools.
 */
@Component("conformanceFixtures")
@Profile("conformance")
public class ConformanceFixtures {

    /** A 1x1 PNG. */
    static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    static final String WAV = Base64.getEncoder().encodeToString(silentWav());

    private final Duration clientTimeout;

    public ConformanceFixtures(McpProperties properties) {
        this.clientTimeout = properties.clientRequestTimeout();
    }

    private static McpCall call(Exchange exchange) {
        return exchange.getVariable("mcpCall", McpCall.class);
    }

    public McpSchema.CallToolResult image() {
        return McpSchema.CallToolResult.builder().addContent(new McpSchema.ImageContent(null, PNG, "image/png")).build();
    }

    public McpSchema.CallToolResult audio() {
        return McpSchema.CallToolResult.builder().addContent(new McpSchema.AudioContent(null, WAV, "audio/wav")).build();
    }

    public McpSchema.CallToolResult embeddedResource() {
        return McpSchema.CallToolResult.builder().addContent(embedded()).build();
    }

    public McpSchema.CallToolResult mixed() {
        return McpSchema.CallToolResult.builder()
                .addTextContent("Multiple content types test:")
                .addContent(new McpSchema.ImageContent(null, PNG, "image/png"))
                .addContent(embedded())
                .build();
    }

    private static McpSchema.EmbeddedResource embedded() {
        return new McpSchema.EmbeddedResource(null, new McpSchema.TextResourceContents("test://embedded-resource",
                "text/plain", "This is an embedded resource content."));
    }

    /** One step of the logging fixture: the loop index decides the message. */
    public void log(Exchange exchange) {
        int step = exchange.getProperty(Exchange.LOOP_INDEX, 0, Integer.class);
        String[] messages = {"Tool execution started", "Tool processing data", "Tool execution completed"};
        call(exchange).log(LogLevel.INFO, "conformance", messages[Math.min(step, messages.length - 1)]);
    }

    /** One step of the progress fixture: 0, 50, 100 of 100. */
    public void progress(Exchange exchange) {
        int step = exchange.getProperty(Exchange.LOOP_INDEX, 0, Integer.class);
        call(exchange).progress(step * 50, 100, "step " + (step + 1) + " of 3");
    }

    public String sample(Exchange exchange) {
        String prompt = String.valueOf(exchange.getMessage().getBody(Map.class).get("prompt"));
        Map<String, Object> params = Map.of(
                "messages", List.of(Map.of("role", "user", "content", Map.of("type", "text", "text", prompt))),
                "maxTokens", 100);
        JsonNode result = call(exchange).askClient("sampling/createMessage", "sampling", params, clientTimeout);
        return "LLM response: " + result.path("content").path("text").asText();
    }

    public String elicit(Exchange exchange) {
        String message = String.valueOf(exchange.getMessage().getBody(Map.class).get("message"));
        Map<String, Object> schema = Map.of("type", "object",
                "properties", Map.of(
                        "username", Map.of("type", "string", "description", "User's response"),
                        "email", Map.of("type", "string", "description", "User's email address")),
                "required", List.of("username", "email"));
        JsonNode result = ask(exchange, message, schema);
        return "User response: action=" + result.path("action").asText() + ", content=" + result.path("content");
    }

    public String elicitWithDefaults(Exchange exchange) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("name", Map.of("type", "string", "description", "User name", "default", "John Doe"));
        properties.put("age", Map.of("type", "integer", "description", "User age", "default", 30));
        properties.put("score", Map.of("type", "number", "description", "User score", "default", 95.5));
        properties.put("status", Map.of("type", "string", "description", "User status",
                "enum", List.of("active", "inactive", "pending"), "default", "active"));
        properties.put("verified", Map.of("type", "boolean", "description", "Verification status", "default", true));
        JsonNode result = ask(exchange, "Please review and update the form fields with defaults",
                Map.of("type", "object", "properties", properties, "required", List.of()));
        return completed(result);
    }

    public String elicitEnums(Exchange exchange) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("untitledSingle", Map.of("type", "string", "description", "Untitled single-select",
                "enum", List.of("option1", "option2", "option3")));
        properties.put("titledSingle", Map.of("type", "string", "description", "Titled single-select",
                "oneOf", List.of(Map.of("const", "value1", "title", "First Option"),
                        Map.of("const", "value2", "title", "Second Option"),
                        Map.of("const", "value3", "title", "Third Option"))));
        properties.put("legacyEnum", Map.of("type", "string", "description", "Legacy titled enum",
                "enum", List.of("opt1", "opt2", "opt3"),
                "enumNames", List.of("Option One", "Option Two", "Option Three")));
        properties.put("untitledMulti", Map.of("type", "array", "description", "Untitled multi-select",
                "items", Map.of("type", "string", "enum", List.of("option1", "option2", "option3"))));
        properties.put("titledMulti", Map.of("type", "array", "description", "Titled multi-select",
                "items", Map.of("anyOf", List.of(Map.of("const", "value1", "title", "First Choice"),
                        Map.of("const", "value2", "title", "Second Choice"),
                        Map.of("const", "value3", "title", "Third Choice")))));
        JsonNode result = ask(exchange, "Please select options from the enum fields",
                Map.of("type", "object", "properties", properties, "required", List.of()));
        return completed(result);
    }

    private JsonNode ask(Exchange exchange, String message, Map<String, Object> schema) {
        return call(exchange).askClient("elicitation/create", "elicitation",
                Map.of("message", message, "requestedSchema", schema), clientTimeout);
    }

    private static String completed(JsonNode result) {
        return "Elicitation completed: action=" + result.path("action").asText() + ", content=" + result.path("content");
    }

    /** SEP-1699: drop this call's connection mid-call; the answer waits for the client to resume by GET. */
    public void dropConnection(Exchange exchange) {
        call(exchange).disconnectStream();
    }

    private static byte[] silentWav() {
        int samples = 800;
        ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes()).putInt(36 + samples * 2).put("WAVE".getBytes());
        header.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(8000).putInt(16000)
                .putShort((short) 2).putShort((short) 16);
        header.put("data".getBytes()).putInt(samples * 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.array());
        out.writeBytes(new byte[samples * 2]);
        return out.toByteArray();
    }
}
