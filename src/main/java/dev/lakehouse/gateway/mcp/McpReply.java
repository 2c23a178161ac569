package dev.lakehouse.gateway.mcp;

import java.util.Map;

/**
 * What the transport answers on the HTTP level. Kept in the exchange variable {@code mcpReply} until the last
 * step of the endpoint route writes it, after all request headers were scrubbed.
 *
 * @param body a JSON String, an {@link SseReader}, or null for an empty body
 */
public record McpReply(int status, String contentType, Object body, String sessionId, Map<String, String> headers) {

    public static McpReply json(int status, String json) {
        return new McpReply(status, "application/json", json, null, Map.of());
    }

    public static McpReply sse(SseReader reader) {
        return new McpReply(200, "text/event-stream", reader, null,
                Map.of("Cache-Control", "no-cache, no-transform", "X-Accel-Buffering", "no"));
    }

    public static McpReply empty(int status) {
        return new McpReply(status, null, null, null, Map.of());
    }

    public McpReply withSessionId(String id) {
        return new McpReply(status, contentType, body, id, headers);
    }
}
