package dev.lakehouse.gateway.ratelimit;

/** What a call does when its (workspace, API family) key is at its limit. */
public enum RateLimitPolicy {
    /** wait its turn (up to the max queue wait, without holding a thread); a 429 is retried after the key's pause */
    ABSORB,
    /** be answered at once with when to come back */
    PASSTHROUGH
}
