package dev.lakehouse.gateway.ratelimit;

/**
 * What one governed key looks like to a caller at one moment: the values of the RateLimit fields
 * (draft-ietf-httpapi-ratelimit-headers-11) and of the older trio, plus the wait when the call was turned away.
 *
 * @param policy            policy name, e.g. {@code databricks-unity-catalog}
 * @param workspace         the caller's name for the workspace (its connection), never the host
 * @param family            the API family
 * @param quota             {@code q}: calls allowed per window
 * @param windowSeconds     {@code w}
 * @param remaining         {@code r}: calls that may go now
 * @param resetSeconds      {@code t}: seconds until another call may go
 * @param retryAfterSeconds when the call was limited: when to come back; else null
 */
public record RateLimitState(String policy, String workspace, ApiFamily family, long quota, long windowSeconds,
        long remaining, long resetSeconds, Long retryAfterSeconds) {

    public boolean limited() {
        return retryAfterSeconds != null;
    }

    public RateLimitState limitedFor(long seconds) {
        return new RateLimitState(policy, workspace, family, quota, windowSeconds, 0, Math.max(resetSeconds, seconds), seconds);
    }

    /** Of two states of one call, the one that tells the caller most: a limited one, else the one with less left. */
    public static RateLimitState mostConstrained(RateLimitState a, RateLimitState b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a.limited() != b.limited()) {
            return a.limited() ? a : b;
        }
        if (a.remaining != b.remaining) {
            return a.remaining < b.remaining ? a : b;
        }
        return a.resetSeconds >= b.resetSeconds ? a : b;
    }
}
