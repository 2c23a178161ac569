package dev.lakehouse.gateway.mcp;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A failure at the HTTP layer (bad origin, missing session, wrong media type, oversized body, unparseable JSON):
 * answered with an HTTP 4xx status and a JSON-RPC error body, without id unless the refused request's is known.
 */
public class McpTransportException extends RuntimeException {

    private final int httpStatus;
    private final int code;
    private final transient Object data;
    private final transient Map<String, String> headers;
    private final transient JsonNode id;

    public McpTransportException(int httpStatus, int code, String message) {
        this(httpStatus, code, message, null, Map.of());
    }

    public McpTransportException(int httpStatus, int code, String message, Object data, Map<String, String> headers) {
        this(httpStatus, code, message, data, headers, null);
    }

    /** With the id of the request it refuses (2026-07-28 answers every error with the request's id). */
    public McpTransportException(int httpStatus, int code, String message, Object data, Map<String, String> headers,
            JsonNode id) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.code = code;
        this.data = data;
        this.headers = headers;
        this.id = id;
    }

    /** The refused request's id, or null when the refusal comes before an id is known. */
    public JsonNode id() {
        return id;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int code() {
        return code;
    }

    public Object data() {
        return data;
    }

    /** Extra response headers (e.g. Allow on 405). */
    public Map<String, String> headers() {
        return headers;
    }
}
