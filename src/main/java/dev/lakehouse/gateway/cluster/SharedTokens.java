package dev.lakehouse.gateway.cluster;

import java.util.function.Supplier;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.UninterruptibleBlockingStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One token bucket as its user sees it: the shared one in Redis when replicas share buckets, this replica's own
 * otherwise. While Redis does not answer (a timeout or a refused command), the call falls back for a second: to the
 * replica's own bucket (fail open: each replica limits alone, so N replicas admit up to N times the limit), or to
 * "no token" (fail closed: calls wait or are refused); then the shared bucket is tried again, so recovery needs
 * nothing. The fallback bucket keeps the same configuration.
 */
public final class SharedTokens {

    private static final Logger LOG = LoggerFactory.getLogger(SharedTokens.class);
    private static final long RETRY_SHARED_AFTER_NANOS = 1_000_000_000L;
    private static final long FAIL_CLOSED_WAIT_NANOS = 1_000_000_000L;

    private final Supplier<Bucket> sharedSource;
    private final Bucket local;
    private final boolean failOpen;
    private volatile Bucket shared;
    private volatile long sharedDownUntil;
    private volatile long lastRemaining;

    /** This replica's bucket only. */
    public static SharedTokens local(Bucket bucket) {
        return new SharedTokens(() -> null, bucket, true);
    }

    /** The bucket named {@code key} of all replicas (when Redis is configured), with {@code local} as the fallback. */
    public static SharedTokens of(SharedBuckets buckets, String key, Bucket local, Supplier<BucketConfiguration> configuration) {
        if (buckets == null || !buckets.enabled()) {
            return local(local);
        }
        return new SharedTokens(() -> buckets.bucket(key, configuration), local, buckets.failOpen());
    }

    /** As {@link #of}, synchronized with the other replicas in batches ({@link SharedBuckets#approximateBucket}). */
    public static SharedTokens approximate(SharedBuckets buckets, String key, Bucket local,
            Supplier<BucketConfiguration> configuration, double ratePerSecond) {
        if (buckets == null || !buckets.enabled()) {
            return local(local);
        }
        return new SharedTokens(() -> buckets.approximateBucket(key, configuration, ratePerSecond), local, buckets.failOpen());
    }

    private SharedTokens(Supplier<Bucket> sharedSource, Bucket local, boolean failOpen) {
        this.sharedSource = sharedSource;
        this.local = local;
        this.failOpen = failOpen;
    }

    public boolean tryConsume() {
        Bucket bucket = shared();
        if (bucket != null) {
            try {
                ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
                lastRemaining = probe.getRemainingTokens();
                return probe.isConsumed();
            } catch (RuntimeException e) {
                down(e);
            }
        }
        return fallback() != null && local.tryConsume(1);
    }

    /**
     * Takes the next token even when it is not there yet: the bucket's state records the reservation at once (in
     * Redis for all replicas), so replicas waiting on one bucket are served in turn at exactly its pace instead of
     * polling for tokens and losing the ones that come between two polls (a bucket of capacity 1 keeps no spare).
     *
     * @return nanoseconds until the reserved token is the caller's (0: now), or -1 when that would be later than
     *         {@code maxWaitNanos} (nothing reserved)
     */
    public long reserve(long maxWaitNanos) {
        Bucket bucket = shared();
        if (bucket != null) {
            try {
                return reserve(bucket, maxWaitNanos);
            } catch (RuntimeException e) {
                down(e);
            }
        }
        return fallback() != null ? reserve(local, maxWaitNanos) : -1;
    }

    private long reserve(Bucket bucket, long maxWaitNanos) {
        long[] wait = {0};
        // the blocking API's reservation without its sleep: the "park" only notes how long the caller must wait
        UninterruptibleBlockingStrategy noteTheWait = nanos -> wait[0] = nanos;
        if (!bucket.asBlocking().tryConsumeUninterruptibly(1, maxWaitNanos, noteTheWait)) {
            return -1;
        }
        lastRemaining = 0;
        return wait[0];
    }

    /**
     * Tokens left as the last consumption saw them (no round trip: for what the agent is told in RateLimit fields);
     * without a shared bucket, the replica's own count.
     */
    public long recentAvailableTokens() {
        return shared == null || System.nanoTime() < sharedDownUntil ? local.getAvailableTokens() : lastRemaining;
    }

    public ConsumptionProbe tryConsumeAndReturnRemaining() {
        Bucket bucket = shared();
        if (bucket != null) {
            try {
                return bucket.tryConsumeAndReturnRemaining(1);
            } catch (RuntimeException e) {
                down(e);
            }
        }
        return fallback() != null ? local.tryConsumeAndReturnRemaining(1)
                : ConsumptionProbe.rejected(0, FAIL_CLOSED_WAIT_NANOS, FAIL_CLOSED_WAIT_NANOS);
    }

    public void addToken() {
        Bucket bucket = shared();
        if (bucket != null) {
            try {
                bucket.addTokens(1);
                return;
            } catch (RuntimeException e) {
                down(e);
            }
        }
        local.addTokens(1);
    }

    public long availableTokens() {
        Bucket bucket = shared();
        if (bucket != null) {
            try {
                return bucket.getAvailableTokens();
            } catch (RuntimeException e) {
                down(e);
            }
        }
        return fallback() != null ? local.getAvailableTokens() : 0;
    }

    public long nanosToWaitForOne() {
        Bucket bucket = shared();
        if (bucket != null) {
            try {
                return bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
            } catch (RuntimeException e) {
                down(e);
            }
        }
        return fallback() != null ? local.estimateAbilityToConsume(1).getNanosToWaitForRefill() : FAIL_CLOSED_WAIT_NANOS;
    }

    /** Tokens of this replica's own bucket (the whole state without Redis; the fallback's with it). */
    public long ownAvailableTokens() {
        return local.getAvailableTokens();
    }

    /** A new pace: the shared bucket (for every replica) and the fallback alike, tokens kept as they are. */
    public void replaceConfiguration(BucketConfiguration configuration) {
        local.replaceConfiguration(configuration, TokensInheritanceStrategy.AS_IS);
        Bucket bucket = shared();
        if (bucket != null) {
            try {
                bucket.replaceConfiguration(configuration, TokensInheritanceStrategy.AS_IS);
            } catch (RuntimeException e) {
                down(e);
            }
        }
    }

    /** The shared bucket, unless it failed within the last second or Redis was never reached. */
    private Bucket shared() {
        if (System.nanoTime() < sharedDownUntil) {
            return null;
        }
        Bucket bucket = shared;
        if (bucket == null) {
            bucket = sharedSource.get();
            shared = bucket;
        }
        return bucket;
    }

    /** The local bucket when failing open, else null (no token while the shared bucket is out of reach). */
    private Bucket fallback() {
        return failOpen ? local : null;
    }

    private void down(RuntimeException e) {
        long now = System.nanoTime();
        if (now >= sharedDownUntil) {
            LOG.warn("shared rate-limit bucket unreachable ({}); {} for a second", e.toString(),
                    failOpen ? "this replica limits alone" : "no calls pass");
        }
        sharedDownUntil = now + RETRY_SHARED_AFTER_NANOS;
    }
}
