package dev.lakehouse.gateway.mcp;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * JSON-RPC 2.0 envelope codec: reads one client message and writes responses, errors and notifications.
 * Never puts exception internals into what it writes.
 */
@Component("jsonRpc")
public class JsonRpc {

    /** Ids longer than this are refused: they only serve to bloat logs and maps. */
    static final int MAX_ID_LENGTH = 256;

    private final ObjectMapper mapper;
    /** Strict reader: a body is one JSON value; anything after it (a second message, garbage) is a parse error. */
    private final com.fasterxml.jackson.databind.ObjectReader strictReader;

    public JsonRpc(ObjectMapper mapper) {
        this.mapper = mapper;
        this.strictReader = mapper.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** Route step: parses the body and sets the variables mcpMessage, mcpKind and mcpMethod. */
    public void read(org.apache.camel.Exchange exchange) {
        IncomingMessage message = parse(exchange.getMessage().getBody(String.class));
        exchange.setVariable("mcpMessage", message);
        exchange.setVariable("mcpKind", message.kind().name());
        exchange.setVariable("mcpMethod", message.method());
    }

    /**
     * Parses the body of a POST. Malformed JSON → -32700; valid JSON that is not one JSON-RPC message → -32600;
     * both as HTTP 400 because nothing can be correlated.
     */
    public IncomingMessage parse(String body) {
        JsonNode node;
        try {
            node = body == null || body.isBlank() ? null : strictReader.readTree(body);
        } catch (JsonProcessingException e) {
            throw new McpTransportException(400, JsonRpcErrors.PARSE_ERROR, "Parse error: the body is not valid JSON");
        }
        if (node == null || node.isMissingNode()) {
            throw new McpTransportException(400, JsonRpcErrors.PARSE_ERROR, "Parse error: empty body");
        }
        if (node.isArray()) {
            throw invalid("JSON-RPC batches are not supported (removed in MCP 2025-06-18): send one message per POST");
        }
        if (!node.isObject()) {
            throw invalid("A JSON-RPC message must be a JSON object");
        }
        if (!"2.0".equals(textOrNull(node.get("jsonrpc")))) {
            throw invalid("\"jsonrpc\" must be \"2.0\"");
        }
        JsonNode id = node.get("id");
        boolean hasId = id != null;
        if (hasId) {
            checkId(id);
        }
        JsonNode method = node.get("method");
        if (method != null) {
            if (!method.isTextual() || method.asText().isEmpty()) {
                throw invalid("\"method\" must be a non-empty string");
            }
            JsonNode params = node.get("params");
            if (params != null && !params.isNull() && !params.isObject()) {
                throw invalid("\"params\" must be an object");
            }
            ObjectNode paramsObject = params instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
            return new IncomingMessage(hasId ? IncomingMessage.Kind.REQUEST : IncomingMessage.Kind.NOTIFICATION,
                    id, method.asText(), paramsObject, null, null);
        }
        boolean hasResult = node.has("result");
        boolean hasError = node.has("error");
        if (hasId && hasResult != hasError) {
            if (hasError && !node.get("error").isObject()) {
                throw invalid("\"error\" must be an object");
            }
            return new IncomingMessage(IncomingMessage.Kind.RESPONSE, id, null, null, node.get("result"), node.get("error"));
        }
        throw invalid("Not a JSON-RPC request, notification or response");
    }

    private static void checkId(JsonNode id) {
        if (id.isTextual()) {
            if (id.asText().length() > MAX_ID_LENGTH) {
                throw invalid("\"id\" is longer than " + MAX_ID_LENGTH + " characters");
            }
        } else if (id.isIntegralNumber()) {
            if (id.toString().length() > MAX_ID_LENGTH) {
                throw invalid("\"id\" is longer than " + MAX_ID_LENGTH + " digits");
            }
        } else {
            throw invalid("\"id\" must be a string or an integer (and not null)");
        }
    }

    private static McpTransportException invalid(String message) {
        return new McpTransportException(400, JsonRpcErrors.INVALID_REQUEST, "Invalid Request: " + message);
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    /** Last step of the dispatch route: the body (the method's result) as a JSON-RPC response. */
    public String respond(org.apache.camel.Exchange exchange) {
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        return success(message.id(), exchange.getMessage().getBody());
    }

    /**
     * Error step of the dispatch route: a JsonRpcException becomes its own code and message; anything else is
     * -32603 with a reference that operators find in the log, and nothing the client could learn internals from.
     */
    public String respondWithError(org.apache.camel.Exchange exchange) {
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        Throwable caught = exchange.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (caught instanceof JsonRpcException e) {
            return error(message.id(), e.code(), e.getMessage(), e.data());
        }
        String ref = dev.lakehouse.gateway.ops.RequestIds.of(exchange);
        org.slf4j.LoggerFactory.getLogger(JsonRpc.class).warn("method {} failed ref={}: {}", message.method(), ref,
                caught == null ? "unknown" : caught.toString());
        return error(message.id(), JsonRpcErrors.INTERNAL_ERROR, "Internal error (ref " + ref + ")", null);
    }

    public String success(JsonNode id, Object result) {
        ObjectNode out = mapper.createObjectNode();
        out.put("jsonrpc", "2.0");
        out.set("id", id);
        out.set("result", result == null ? mapper.createObjectNode() : mapper.valueToTree(result));
        return write(out);
    }

    public String error(JsonNode id, int code, String message, Object data) {
        ObjectNode out = mapper.createObjectNode();
        out.put("jsonrpc", "2.0");
        out.set("id", id == null ? JsonNodeFactory.instance.nullNode() : id);
        ObjectNode error = out.putObject("error");
        error.put("code", code);
        error.put("message", message);
        if (data != null) {
            error.set("data", mapper.valueToTree(data));
        }
        return write(out);
    }

    public String notification(String method, Object params) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jsonrpc", "2.0");
        out.put("method", method);
        if (params != null) {
            out.put("params", params);
        }
        return write(mapper.valueToTree(out));
    }

    public String request(JsonNode id, String method, Object params) {
        ObjectNode out = mapper.createObjectNode();
        out.put("jsonrpc", "2.0");
        out.set("id", id);
        out.put("method", method);
        if (params != null) {
            out.set("params", mapper.valueToTree(params));
        }
        return write(out);
    }

    private String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON-RPC message", e);
        }
    }
}
