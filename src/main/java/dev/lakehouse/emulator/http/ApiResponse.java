package dev.lakehouse.emulator.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;

/** A computed HTTP response, built before anything is written so rate limits can be recorded first. */
public final class ApiResponse {

    public static final String JSON = "application/json; charset=utf-8";

    private final int status;
    private final byte[] body;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private ApiResponse(int status, byte[] body, String contentType) {
        this.status = status;
        this.body = body;
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
    }

    public static ApiResponse json(Object body) {
        return json(200, body);
    }

    public static ApiResponse json(int status, Object body) {
        try {
            return new ApiResponse(status, Json.MAPPER.writeValueAsBytes(body), JSON);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serializable", e);
        }
    }

    public static ApiResponse html(int status, String html) {
        return new ApiResponse(status, html.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
    }

    /** Raw bytes (file downloads): 200, or 206 for a range. */
    public static ApiResponse bytes(int status, byte[] body, String contentType) {
        return new ApiResponse(status, body, contentType);
    }

    /** A status with headers only: HEAD answers, whose errors carry no body either. */
    public static ApiResponse empty(int status) {
        return new ApiResponse(status, new byte[0], null);
    }

    public static ApiResponse redirect(String location) {
        ApiResponse response = new ApiResponse(302, new byte[0], null);
        response.header("Location", location);
        return response;
    }

    public ApiResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() { return status; }

    public byte[] body() { return body; }

    public Map<String, String> headers() { return headers; }
}
