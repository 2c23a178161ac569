package dev.lakehouse.gateway.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.lakehouse.gateway.tools.ToolExecutionException;

/**
 * A call the rate limits turned away (passthrough, past the max queue wait, a long upstream block or quota): the
 * agent reads when to come back in the text and in {@code structuredContent}.
 */
public class RateLimitedException extends ToolExecutionException {

    private final transient RateLimitState state;

    public RateLimitedException(String message, RateLimitState state) {
        super(message);
        this.state = state;
    }

    /** "Databricks rate-limits unity-catalog calls on workspace acme; retry in 3 s." */
    public static RateLimitedException of(RateLimitState state, String why) {
        String text = "Databricks rate-limits " + state.family().key() + " calls on workspace " + state.workspace()
                + (why == null ? "" : " (" + why + ")") + "; retry in " + state.retryAfterSeconds() + " s.";
        return new RateLimitedException(text, state);
    }

    public RateLimitState state() {
        return state;
    }

    /** {error, workspace, family, retry_after_seconds, limit, remaining}: the structuredContent of the answer. */
    @Override
    public Map<String, Object> structured() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("error", "rate_limited");
        out.put("workspace", state.workspace());
        out.put("family", state.family().key());
        out.put("retry_after_seconds", state.retryAfterSeconds());
        out.put("limit", state.quota());
        out.put("remaining", state.remaining());
        return out;
    }
}
