package dev.lakehouse.gateway.mcp;

/**
 * A protocol-level failure of one JSON-RPC request: answered as a JSON-RPC error carrying the request id.
 * The message is written for the client; it never contains internals.
 */
public class JsonRpcException extends RuntimeException {

    private final int code;
    private final transient Object data;

    public JsonRpcException(int code, String message) {
        this(code, message, null);
    }

    public JsonRpcException(int code, String message, Object data) {
        super(message, null, false, false);
        this.code = code;
        this.data = data;
    }

    public int code() {
        return code;
    }

    public Object data() {
        return data;
    }

    public static JsonRpcException invalidParams(String message) {
        return new JsonRpcException(JsonRpcErrors.INVALID_PARAMS, message);
    }
}
