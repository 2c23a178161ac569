package dev.lakehouse.gateway.mcp;

/** JSON-RPC 2.0 error codes used by MCP. */
public final class JsonRpcErrors {

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    /** Implementation-defined range; the TS SDK uses it for transport-level HTTP errors, and so do we. */
    public static final int TRANSPORT_ERROR = -32000;
    /** MCP 2025-06-18 / 2025-11-25: resource not found. */
    public static final int RESOURCE_NOT_FOUND = -32002;
    /** MCP 2026-07-28: a header (MCP-Protocol-Version, Mcp-Method, Mcp-Name) does not say what the body says. */
    public static final int HEADER_MISMATCH = -32020;
    /** MCP 2026-07-28: the request needs a client capability the client did not declare in its _meta. */
    public static final int MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;
    /** MCP 2026-07-28: a protocol version the server does not speak; data carries supported and requested. */
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    private JsonRpcErrors() {
    }
}
