package dev.lakehouse.gateway.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.mcp.McpCall;
import dev.lakehouse.gateway.mcp.SessionRegistry;
import io.modelcontextprotocol.spec.McpSchema;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Step 12 of the pipeline: turns what a tool route left in the body into a CallToolResult. A tool route may leave
 * a ready {@link McpSchema.CallToolResult}, a String (one text block), or structured data (a Map, JsonNode or bean):
 * with an outputSchema that becomes {@code structuredContent} plus its JSON as text; without, the JSON as text.
 */
@Component("toolResults")
public class ToolResults {

    private static final Logger LOG = LoggerFactory.getLogger(ToolResults.class);

    private final ObjectMapper mapper;

    public ToolResults(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Object fromBody(Exchange exchange) throws JsonProcessingException {
        ToolDefinition tool = exchange.getVariable("tool", ToolDefinition.class);
        Object body = exchange.getMessage().getBody();
        if (body instanceof McpSchema.CallToolResult ready) {
            return ready;
        }
        if (body instanceof String text && tool.outputSchema() == null) {
            return text(text, false);
        }
        JsonNode structured = body instanceof JsonNode node ? node : mapper.valueToTree(body);
        if (tool.outputSchema() == null) {
            return text(mapper.writeValueAsString(structured), false);
        }
        var problems = structured == null ? List.of() : tool.outputValidator().validate(structured);
        if (structured == null || !structured.isObject() || !problems.isEmpty()) {
            LOG.warn("tool {} produced output that does not match its outputSchema: {}", tool.name(), problems);
            return text("The tool " + tool.name() + " produced a result that does not match its declared output schema. "
                    + "This is a gateway defect; report it.", true);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("type", "text");
        block.put("text", textRendering(exchange, structured));
        result.put("content", List.of(block));
        result.put("structuredContent", structured);
        result.put("isError", false);
        return result;
    }

    /** The text block beside structured content: a tool may render a compact one into variable toolText. */
    private String textRendering(Exchange exchange, JsonNode structured) throws JsonProcessingException {
        String rendered = exchange.getVariable("toolText", String.class);
        return rendered != null ? rendered : mapper.writeValueAsString(structured);
    }

    /** The doCatch step: a tool failure becomes an isError result; internals stay in the log, under a reference. */
    public Object fromFailure(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ToolDefinition tool = exchange.getVariable("tool", ToolDefinition.class);
        String name = tool == null ? "?" : tool.name();
        if (caught instanceof ToolExecutionException failure && failure.structured() != null) {
            Map<String, Object> result = text(caught.getMessage(), true);
            result.put("structuredContent", failure.structured());
            return result;
        }
        if (caught instanceof ToolExecutionException || caught instanceof McpCall.ClientRequestException) {
            return text(caught.getMessage(), true);
        }
        McpCall call = exchange.getVariable("mcpCall", McpCall.class);
        if (call != null && call.isCancelled()) {
            // the interrupt of a cancelled call; nobody will read this result
            LOG.debug("tool {} stopped after cancellation", name);
            return text("The call was cancelled.", true);
        }
        String ref = dev.lakehouse.gateway.ops.RequestIds.of(exchange);
        LOG.warn("tool {} failed ref={}: {}", name, ref, caught == null ? "unknown" : caught.toString());
        return text("The tool " + name + " failed unexpectedly (ref " + ref + "). Try again later or use another tool.", true);
    }

    static Map<String, Object> text(String text, boolean isError) {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("type", "text");
        block.put("text", text);
        List<Object> content = new ArrayList<>();
        content.add(block);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("content", content);
        result.put("isError", isError);
        return result;
    }
}
