package dev.lakehouse.gateway.mcp;

/** Thrown by the dispatch route for a method no route serves (-32601). Has a String constructor for throwException. */
public class MethodNotFoundException extends JsonRpcException {

    public MethodNotFoundException(String message) {
        super(JsonRpcErrors.METHOD_NOT_FOUND, message);
    }
}
