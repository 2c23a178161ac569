package dev.lakehouse.gateway.mcp;

/**
 * MCP 2026-07-28: a header that mirrors the body says something else, or is missing (-32020, HTTP 400). Thrown by
 * steps that run inside a method's route, where the request is known to be well formed (Mcp-Param-* headers, checked
 * against the tool's schema once the tool is known).
 */
public class HeaderMismatchException extends JsonRpcException {

    public HeaderMismatchException(String message) {
        super(JsonRpcErrors.HEADER_MISMATCH, "Header mismatch: " + message);
    }
}
