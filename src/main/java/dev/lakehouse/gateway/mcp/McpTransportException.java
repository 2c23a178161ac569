package dev.lakehouse.gateway.mcp;

import java.util.Map;

/**
 * A failure at the HTTP layer (bad origin, missing session, wrong media type, oversized body, unparseable JSON):
 * answered with an HTTP 4xx status and a JSON-RPC error body without id.
 */
public class McpTransportException extends RuntimeException {

    private final int httpStatus;
    private final int code;
    private final transient Object data;
    private final transient Map<String, String> headers;

    public McpTransportException(int httpStatus, int code, String message) {
        this(httpStatus, code, message, null, Map.of());
    }

    public McpTransportException(int httpStatus, int code, String message, Object data, Map<String, String> headers) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.code = code;
        this.data = data;
        this.headers = headers;
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
