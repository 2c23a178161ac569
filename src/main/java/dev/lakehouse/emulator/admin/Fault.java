package dev.lakehouse.emulator.admin;

import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiFamily;
import dev.lakehouse.emulator.http.ApiResponse;
import dev.lakehouse.emulator.http.Json;

/**
 * One injected fault: what to do (kind), to which requests (family / path prefix / method) and for
 * how long (a number of matching requests and/or a deadline; neither means until reset).
 */
public final class Fault {

    public enum Kind {
        /** 429 REQUEST_LIMIT_EXCEEDED with Retry-After (retried by the SDKs). */
        RATE_LIMIT,
        /** 503 TEMPORARILY_UNAVAILABLE with Retry-After (retried by the SDKs). */
        UNAVAILABLE,
        /** 500 INTERNAL_ERROR (only retried by the Java SDK on statement GETs). */
        INTERNAL_ERROR,
        /** Adds latency_ms before the request is handled normally. */
        LATENCY,
        /** Closes the connection without any response. */
        DROP_CONNECTION,
        /** 503 from the OAuth token endpoint only. */
        TOKEN_OUTAGE,
        /** 400 INVALID_STATE of the hourly job creation quota (Databricks answers a quota with 400, not 429). */
        JOB_QUOTA;

        static Kind parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidParameter("Unknown fault kind '" + text + "'");
            }
        }
    }

    private final String id;
    private final Kind kind;
    private final ApiFamily family;
    private final String pathPrefix;
    private final String method;
    private final AtomicInteger remaining;
    private final Instant expiresAt;
    private final long latencyMs;
    private final int retryAfterSeconds;
    private final AtomicInteger hits = new AtomicInteger();

    public Fault(String id, Kind kind, ApiFamily family, String pathPrefix, String method, Integer count,
                 Instant expiresAt, long latencyMs, int retryAfterSeconds) {
        this.id = id;
        this.kind = kind;
        this.family = kind == Kind.TOKEN_OUTAGE ? ApiFamily.TOKEN : family;
        this.pathPrefix = pathPrefix;
        this.method = method;
        this.remaining = count == null ? null : new AtomicInteger(count);
        this.expiresAt = expiresAt;
        this.latencyMs = latencyMs;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public String id() { return id; }

    public Kind kind() { return kind; }

    public long latencyMs() { return latencyMs; }

    boolean expired(Instant now) {
        return (expiresAt != null && now.isAfter(expiresAt)) || (remaining != null && remaining.get() <= 0);
    }

    boolean matches(String requestMethod, String path, ApiFamily requestFamily) {
        return (family == null || family == requestFamily)
                && (pathPrefix == null || path.startsWith(pathPrefix))
                && (method == null || method.equalsIgnoreCase(requestMethod));
    }

    /** Takes one unit of the fault's budget; false when another request took the last one. */
    boolean tryConsume() {
        if (remaining != null) {
            int left;
            do {
                left = remaining.get();
                if (left <= 0) {
                    return false;
                }
            } while (!remaining.compareAndSet(left, left - 1));
        }
        hits.incrementAndGet();
        return true;
    }

    /** The response of a terminal fault (null for LATENCY and DROP_CONNECTION). */
    ApiResponse response() {
        return switch (kind) {
            case RATE_LIMIT -> new ApiException(429, "REQUEST_LIMIT_EXCEEDED",
                    "REQUEST_LIMIT_EXCEEDED: Exceeded workspace rate limit (injected fault " + id + ")")
                    .toResponse().header("Retry-After", String.valueOf(retryAfterSeconds));
            case UNAVAILABLE -> new ApiException(503, "TEMPORARILY_UNAVAILABLE",
                    "The service is temporarily unavailable (injected fault " + id + ")")
                    .toResponse().header("Retry-After", String.valueOf(retryAfterSeconds));
            case INTERNAL_ERROR -> new ApiException(500, "INTERNAL_ERROR",
                    "Internal error (injected fault " + id + ")").toResponse();
            case JOB_QUOTA -> new ApiException(400, "INVALID_STATE", "There were already 1000 jobs created in past "
                    + "3600 seconds, exceeding rate limit. Please retry later (injected fault " + id + ")").toResponse();
            case TOKEN_OUTAGE -> {
                ObjectNode body = Json.obj();
                body.put("error", "temporarily_unavailable");
                body.put("error_description", "The token endpoint is temporarily unavailable (injected fault " + id + ")");
                yield ApiResponse.json(503, body).header("Retry-After", String.valueOf(retryAfterSeconds));
            }
            default -> null;
        };
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.obj();
        node.put("id", id);
        node.put("kind", kind.name());
        Json.putOpt(node, "family", family == null ? null : family.key());
        Json.putOpt(node, "path_prefix", pathPrefix);
        Json.putOpt(node, "method", method);
        Json.putOpt(node, "remaining", remaining == null ? null : remaining.get());
        Json.putOpt(node, "expires_at", expiresAt == null ? null : expiresAt.toString());
        if (kind == Kind.LATENCY) {
            node.put("latency_ms", latencyMs);
        }
        if (kind == Kind.RATE_LIMIT || kind == Kind.UNAVAILABLE || kind == Kind.TOKEN_OUTAGE) {
            node.put("retry_after_seconds", retryAfterSeconds);
        }
        node.put("hits", hits.get());
        return node;
    }
}
