package dev.lakehouse.emulator.cloud;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.ApiResponse;
import dev.lakehouse.emulator.http.Json;

/** An error of the Entra token endpoint, in its body shape (AADSTS code, trace and correlation ids, timestamp). */
final class EntraError {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'");

    private EntraError() { }

    static ApiResponse of(int status, String error, int code, String message) {
        String traceId = UUID.randomUUID().toString();
        String correlationId = UUID.randomUUID().toString();
        String timestamp = ZonedDateTime.now(ZoneOffset.UTC).format(TIMESTAMP);
        ObjectNode body = Json.obj();
        body.put("error", error);
        body.put("error_description", "AADSTS" + code + ": " + message + " Trace ID: " + traceId
                + " Correlation ID: " + correlationId + " Timestamp: " + timestamp);
        body.putArray("error_codes").add(code);
        body.put("timestamp", timestamp);
        body.put("trace_id", traceId);
        body.put("correlation_id", correlationId);
        body.put("error_uri", "https://login.microsoftonline.com/error?code=" + code);
        return ApiResponse.json(status, body);
    }
}
