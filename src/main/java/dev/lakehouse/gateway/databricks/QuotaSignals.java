package dev.lakehouse.gateway.databricks;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lakehouse.gateway.ratelimit.RateLimitState;
import dev.lakehouse.gateway.ratelimit.RateLimitedException;
import dev.lakehouse.gateway.ratelimit.UpstreamGuard;
import dev.lakehouse.gateway.ratelimit.UpstreamLimit;
import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import org.apache.camel.Exchange;

/**
 * Quotas that Databricks answers as HTTP 400 instead of 429, such as the hourly job creation quota ("There were
 * already 1000 jobs created in past 3600 seconds, exceeding rate limit..."): not a rate signal to learn from, and
 * never worth retrying in a loop. The agent is told when the quota's period allows another call.
 */
final class QuotaSignals {

    private static final Pattern PERIOD = Pattern.compile("(\\d{1,7})\\s*seconds");
    /** When a quota message names no period: an hour, the period of the quotas seen in the wild. */
    private static final long UNKNOWN_PERIOD_SECONDS = 3600;

    private QuotaSignals() {
    }

    static boolean isQuota(String body) {
        String lower = body.toLowerCase(Locale.ROOT);
        return lower.contains("rate limit") || lower.contains("quota") && lower.contains("exceed");
    }

    static RateLimitedException limited(Exchange exchange, String body, Long retryAfter) {
        long wait = retryAfter != null ? retryAfter : period(body);
        WorkspaceConnection connection = exchange.getVariable("connection", WorkspaceConnection.class);
        UpstreamLimit limit = exchange.getVariable("dbLimit", UpstreamLimit.class);
        RateLimitState state = limit.state(connection.name()).limitedFor(wait);
        UpstreamGuard.record(exchange, state);
        return RateLimitedException.of(state, "a quota of the workspace is used up");
    }

    static long period(String body) {
        Matcher matcher = PERIOD.matcher(body);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : UNKNOWN_PERIOD_SECONDS;
    }
}
