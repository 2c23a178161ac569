package dev.lakehouse.gateway.mcp;

import java.util.Map;

/**
 * MCP 2026-07-28: serving the request needs a client capability the request did not declare in its _meta
 * (-32021, HTTP 400); {@code data.requiredCapabilities} names it as a ClientCapabilities object.
 */
public class MissingClientCapabilityException extends JsonRpcException {

    public MissingClientCapabilityException(String capability, String message) {
        super(JsonRpcErrors.MISSING_REQUIRED_CLIENT_CAPABILITY, message,
                Map.of("requiredCapabilities", Map.of(capability, Map.of())));
    }
}
