package dev.lakehouse.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One JSON-RPC message received on POST /mcp, already checked for shape.
 *
 * @param kind   request, notification or a response to a server-to-client request
 * @param id     the id exactly as the client sent it (string or integer node); null for notifications
 * @param method the method for requests and notifications
 * @param params the params object (never null for requests and notifications; empty when absent)
 * @param result the result of a client response
 * @param error  the error of a client response
 */
public record IncomingMessage(Kind kind, JsonNode id, String method, ObjectNode params, JsonNode result, JsonNode error) {

    public enum Kind { REQUEST, NOTIFICATION, RESPONSE }

    public boolean isRequest() {
        return kind == Kind.REQUEST;
    }

    /** {@code params._meta.progressToken}, when the caller asked for progress. */
    public JsonNode progressToken() {
        JsonNode token = params == null ? null : params.path("_meta").get("progressToken");
        return token != null && (token.isTextual() || token.isIntegralNumber()) ? token : null;
    }
}
