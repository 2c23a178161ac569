package dev.lakehouse.gateway.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.lakehouse.gateway.mcp.JsonRpcException;
import dev.lakehouse.gateway.mcp.McpCall;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Step 11 as the agent sees it: the RateLimit fields of the most constrained key a tool call touched, written as
 * HTTP response headers (for JSON answers; an SSE answer's headers left before the call ended) and always into the
 * result's {@code _meta}. The fields are those of draft-ietf-httpapi-ratelimit-headers-11 ({@code RateLimit-Policy},
 * {@code RateLimit}, structured fields, {@code t} in delta seconds) and the older trio ({@code RateLimit-Limit},
 * {@code -Remaining}, {@code -Reset}, delta seconds, never an epoch), plus {@code Retry-After} when limited. The
 * workspace's own rate-limit headers are read by the guard, never forwarded.
 */
@Component("rateLimitFields")
public class RateLimitFields {

    /** The {@code _meta} key of the fields in a tool result. */
    public static final String META_KEY = "dev.lakehouse/rate-limit";

    private final RateLimitProperties properties;

    public RateLimitFields(RateLimitProperties properties) {
        this.properties = properties;
    }

    /**
     * The last step of a tool call: headers to the call's reply, {@code _meta} into the result. With
     * {@code gateway.ratelimit.http429} a limited call is answered as HTTP 429 with a JSON-RPC error instead.
     */
    public Object annotate(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        RateLimitState state = exchange.getVariable(UpstreamGuard.STATE, RateLimitState.class);
        if (state == null || !(body instanceof Map<?, ?> result)) {
            return body;
        }
        McpCall call = exchange.getVariable("mcpCall", McpCall.class);
        if (call != null) {
            call.replyHeaders(headers(state));
        }
        if (state.limited() && properties.http429() && Boolean.TRUE.equals(result.get("isError"))) {
            if (call != null) {
                call.replyStatus(429);
            }
            throw new JsonRpcException(properties.errorCode(), text(result), result.get("structuredContent"));
        }
        Map<String, Object> annotated = new LinkedHashMap<>();
        result.forEach((k, v) -> annotated.put(String.valueOf(k), v));
        Map<String, Object> meta = new LinkedHashMap<>();
        if (result.get("_meta") instanceof Map<?, ?> existing) {
            existing.forEach((k, v) -> meta.put(String.valueOf(k), v));
        }
        meta.put(META_KEY, meta(state));
        annotated.put("_meta", meta);
        return annotated;
    }

    private static String text(Map<?, ?> result) {
        if (result.get("content") instanceof java.util.List<?> content && !content.isEmpty()
                && content.get(0) instanceof Map<?, ?> block && block.get("text") != null) {
            return String.valueOf(block.get("text"));
        }
        return "Rate limited";
    }

    /** The response header fields of a state, in the order they are written. */
    public static Map<String, String> headers(RateLimitState state) {
        return headers(state.policy(), state.quota(), state.windowSeconds(), state.remaining(), state.resetSeconds(),
                state.retryAfterSeconds());
    }

    /** The same fields for any policy (the inbound quotas too): retryAfterSeconds null when not limited. */
    public static Map<String, String> headers(String policy, long quota, long windowSeconds, long remaining,
            long resetSeconds, Long retryAfterSeconds) {
        Map<String, String> headers = new LinkedHashMap<>();
        String name = "\"" + policy + "\"";
        headers.put("RateLimit-Policy", name + ";q=" + quota + ";w=" + windowSeconds);
        headers.put("RateLimit", name + ";r=" + remaining + ";t=" + resetSeconds);
        headers.put("RateLimit-Limit", String.valueOf(quota));
        headers.put("RateLimit-Remaining", String.valueOf(remaining));
        headers.put("RateLimit-Reset", String.valueOf(resetSeconds));
        if (retryAfterSeconds != null) {
            headers.put("Retry-After", String.valueOf(retryAfterSeconds));
        }
        return headers;
    }

    /**
     * A rate in requests per second as a RateLimit policy's {@code w} and {@code q}: a one-second window, or for
     * rates below one per second the shortest whole window that holds one request.
     */
    public static long windowSeconds(double ratePerSecond) {
        return ratePerSecond >= 1 ? 1 : (long) Math.ceil(1 / ratePerSecond);
    }

    public static long quota(double ratePerSecond) {
        return Math.max(1, (long) Math.floor(ratePerSecond * windowSeconds(ratePerSecond)));
    }

    static Map<String, Object> meta(RateLimitState state) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("policy", state.policy());
        meta.put("workspace", state.workspace());
        meta.put("family", state.family().key());
        meta.put("limit", state.quota());
        meta.put("window_seconds", state.windowSeconds());
        meta.put("remaining", state.remaining());
        meta.put("reset_seconds", state.resetSeconds());
        if (state.limited()) {
            meta.put("retry_after_seconds", state.retryAfterSeconds());
        }
        return meta;
    }
}
