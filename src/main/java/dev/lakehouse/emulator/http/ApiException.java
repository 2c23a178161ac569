package dev.lakehouse.emulator.http;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A client-visible error: HTTP status plus the Databricks error body
 * {@code {"error_code": ..., "message": ...}}. The code is usually a string; the auth layer uses
 * a number because that is what the real service sends for invalid tokens.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final Object errorCode;
    private final Map<String, String> headers;

    public ApiException(int status, Object errorCode, String message) {
        this(status, errorCode, message, Map.of());
    }

    public ApiException(int status, Object errorCode, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
        this.headers = headers;
    }

    public static ApiException invalidParameter(String message) {
        return new ApiException(400, "INVALID_PARAMETER_VALUE", message);
    }

    public static ApiException invalidState(String message) {
        return new ApiException(400, "INVALID_STATE", message);
    }

    public static ApiException notFound(String errorCode, String message) {
        return new ApiException(404, errorCode, message);
    }

    public int status() { return status; }

    public Object errorCode() { return errorCode; }

    public Map<String, String> headers() { return headers; }

    public ObjectNode body() {
        ObjectNode body = Json.obj();
        if (errorCode instanceof Number n) {
            body.put("error_code", n.intValue());
        } else {
            body.put("error_code", String.valueOf(errorCode));
        }
        body.put("message", getMessage());
        return body;
    }

    public ApiResponse toResponse() {
        ApiResponse response = ApiResponse.json(status, body());
        headers.forEach(response::header);
        return response;
    }
}
