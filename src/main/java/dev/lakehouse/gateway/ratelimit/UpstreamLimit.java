package dev.lakehouse.gateway.ratelimit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import dev.lakehouse.gateway.cluster.SharedBuckets;
import dev.lakehouse.gateway.cluster.SharedTokens;

/**
 * The limiter of one (workspace, API family) key: a Bucket4j token bucket paced at the believed upstream limit ×
 * safety, a FIFO of absorbed calls released one token at a time by a timer (no thread waits), a key-wide pause after
 * an upstream 429 (its Retry-After), and the learning of the real limit: a 429 cuts the rate (to what the workspace
 * answered in the last window when the key was busy, else by a factor; once per epoch), and the rate grows back a
 * step while calls keep queueing without a 429.
 */
public final class UpstreamLimit {

    private static final long SECOND = 1_000_000_000L;
    /** The shortest timer wait: a token estimate can fall a few nanoseconds short of the refill (rounding). */
    private static final long MIN_TIMER_NANOS = 20_000L;
    /** A released call that never reported back (a failure between the guard and the answer) stops counting then. */
    private static final long IN_FLIGHT_MAX_AGE = 300L * SECOND;
    /** While the window is full of calls still in flight, how often the pump looks again. */
    private static final long IN_FLIGHT_POLL = 10_000_000L;
    /** The furthest ahead a waiting call reserves its token; later turns are looked at again when nearer. */
    private static final long RESERVE_AHEAD_MAX = 5L * SECOND;
    /** Fewer answers in the learn window than this do not measure a limit: the 429 then cuts by the factor only. */
    private static final int MIN_ANSWERS_TO_MEASURE = 3;

    /** Why a call goes, waits or is turned away. */
    public enum Outcome { PROCEED, QUEUED, REJECTED }

    /**
     * One absorbed call waiting for its turn: {@link #proceed} runs when a token is its, {@link #reject} (with the
     * seconds to come back after) when it would wait past its deadline.
     */
    public abstract static class Waiter {
        final long deadlineNanos;
        final boolean retry;
        long enqueuedAt;
        volatile boolean queued;
        volatile boolean cancelled;

        protected Waiter(long deadlineNanos, boolean retry) {
            this.deadlineNanos = deadlineNanos;
            this.retry = retry;
        }

        /** Whether this waiter went into the queue (its completion then comes from another thread). */
        protected boolean isQueued() {
            return queued;
        }

        protected abstract void proceed();

        protected abstract void reject(long retryAfterSeconds);
    }

    private final String host;
    private final ApiFamily family;
    private final RateLimitProperties properties;
    private final LongSupplier clock;
    private final Continuations continuations;
    private final double configuredRate;
    /** The lowest rate learning may cut to: min-rate, or the configured rate when that is lower. */
    private final double floorRate;
    private final int burst;
    private final RateLimitPolicy policy;

    private double rate;
    /** The pace's tokens: shared by every replica through Redis when configured, else this replica's own. */
    private final SharedTokens bucket;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private final ArrayDeque<Long> answered = new ArrayDeque<>();
    /** When the answered calls were released: what the workspace counted in its window can be no less. */
    private final ArrayDeque<Long> answeredReleases = new ArrayDeque<>();
    private final ArrayDeque<Long> inFlight = new ArrayDeque<>();
    private long pausedUntil;
    private boolean pumpScheduled;
    /**
     * When the token this key reserved for its queue's head is due (-1: none). One at a time: tokens reserved for calls
     * further back went unused when those calls were cancelled or the queue emptied early.
     */
    private long reservedUntil = -1;
    private long lastDecrease;
    private long lastIncrease;
    private long backlogSince = -1;
    /** The instants turned-away calls were told to come back at, with how many each. */
    private final java.util.TreeMap<Long, Integer> returns = new java.util.TreeMap<>();
    private boolean everDecreased;

    // what operators see
    private long released;
    private long upstream429s;
    private long rejections;
    private long pauses;
    private long waitedCalls;
    private long waitNanosTotal;
    private long waitNanosMax;

    UpstreamLimit(String host, ApiFamily family, RateLimitProperties.Family settings, RateLimitProperties properties,
            LongSupplier clock, Continuations continuations) {
        this(host, family, settings, properties, clock, continuations, null);
    }

    /**
     * With {@code shared} buckets (Redis), the pace is one bucket for all replicas, keyed by host and family; its
     * time is the wall clock Bucket4j's Redis backend uses, while pauses and learning stay on {@code clock}.
     */
    UpstreamLimit(String host, ApiFamily family, RateLimitProperties.Family settings, RateLimitProperties properties,
            LongSupplier clock, Continuations continuations, SharedBuckets shared) {
        this.host = host;
        this.family = family;
        this.properties = properties;
        this.clock = clock;
        this.continuations = continuations;
        // a family may be configured below min-rate (Genie's ~5 questions a minute): then that is its floor too
        this.configuredRate = settings.rate() > 0 ? settings.rate() : properties.minRate();
        this.floorRate = Math.min(properties.minRate(), configuredRate);
        this.burst = Math.max(1, settings.burst());
        this.policy = settings.policy();
        TimeMeter meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return clock.getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        this.rate = configuredRate;
        long now = clock.getAsLong();
        this.lastDecrease = now - 365L * 24 * 3600 * SECOND;
        this.lastIncrease = lastDecrease;
        this.pausedUntil = now;
        Bucket own = Bucket.builder().withCustomTimePrecision(meter).addLimit(bandwidth()).build();
        this.bucket = SharedTokens.of(shared, "upstream:" + host + ":" + family.name(), own,
                () -> BucketConfiguration.builder().addLimit(bandwidth()).build());
    }

    private io.github.bucket4j.Bandwidth bandwidth() {
        long tokensPer1000s = Math.max(1, Math.round(pace() * 1000));
        return io.github.bucket4j.Bandwidth.builder().capacity(capacity())
                .refillGreedy(tokensPer1000s, Duration.ofSeconds(1000)).initialTokens(capacity()).build();
    }

    /** Calls that may go at once: the burst; passthrough agents come back on whole seconds, so a second's worth. */
    private long capacity() {
        long capacity = policy == RateLimitPolicy.PASSTHROUGH ? Math.max(burst, (long) Math.floor(pace())) : burst;
        return Math.max(1, capacity);
    }

    /** Calls per second the gateway lets through: the believed limit × safety. */
    public synchronized double pace() {
        return rate * properties.safety();
    }

    public String host() {
        return host;
    }

    public ApiFamily family() {
        return family;
    }

    public RateLimitPolicy policy() {
        return policy;
    }

    /**
     * A call arrives (or comes back after a 429). It goes now, waits in the queue (absorb, when its predicted turn is
     * before its deadline), or is turned away; a rejected waiter has already been told when to come back.
     */
    public Outcome enter(Waiter waiter) {
        long retryAfter;
        synchronized (this) {
            long now = clock.getAsLong();
            boolean open = now >= pausedUntil && queue.isEmpty() && reservedUntil < 0 && !windowFull(now);
            if (open && bucket.tryConsume()) {
                noteRelease(now, 0);
                return Outcome.PROCEED;
            }
            if (policy == RateLimitPolicy.ABSORB && now + predictedWait(now, queue.size() + 1) <= waiter.deadlineNanos) {
                waiter.enqueuedAt = now;
                waiter.queued = true;
                if (waiter.retry) {
                    queue.addFirst(waiter);
                } else {
                    queue.addLast(waiter);
                }
                if (backlogSince < 0) {
                    backlogSince = now;
                }
                schedulePump(now);
                return Outcome.QUEUED;
            }
            rejections++;
            retryAfter = hintSeconds(now);
        }
        waiter.reject(retryAfter);
        return Outcome.REJECTED;
    }

    /** A waiter that gave up (its request was cancelled): it leaves the queue and takes no token. */
    public void cancel(Waiter waiter) {
        waiter.cancelled = true;
        synchronized (this) {
            queue.remove(waiter);
        }
    }

    /** Nanoseconds until the n-th call from now may go: the pause, then the tokens it needs at the current pace. */
    private long predictedWait(long now, int n) {
        long pause = Math.max(0, pausedUntil - now);
        // after a pause of a second or more the bucket is full again
        long available = pause >= SECOND ? capacity() : pause > 0 ? 0 : bucket.availableTokens();
        long needed = Math.max(0, n - available);
        return pause + (long) (needed * SECOND / pace());
    }

    private void schedulePump(long now) {
        if (pumpScheduled || queue.isEmpty()) {
            return;
        }
        pumpScheduled = true;
        long delay;
        if (now < pausedUntil) {
            delay = pausedUntil - now;
        } else if (reservedUntil >= 0) {
            delay = Math.max(MIN_TIMER_NANOS, reservedUntil - now);
        } else if (windowFull(now)) {
            delay = answered.isEmpty() ? IN_FLIGHT_POLL
                    : Math.max(MIN_TIMER_NANOS, answered.peekFirst() + properties.learnWindow().toNanos() - now + 1);
        } else {
            delay = Math.max(MIN_TIMER_NANOS, bucket.nanosToWaitForOne());
        }
        continuations.schedule(this::pump, delay);
    }

    /**
     * Databricks counts a call when it has answered it, in a window: the calls it answered in the last window plus
     * those still in flight must stay under the believed limit, whatever the latencies (a burst of fast answers after
     * slow ones would otherwise land in one window). Pacing alone keeps the sending smooth; this keeps the counting
     * under the limit.
     */
    private boolean windowFull(long now) {
        trim(answered, now);
        while (!inFlight.isEmpty() && now - inFlight.peekFirst() > IN_FLIGHT_MAX_AGE) {
            inFlight.pollFirst();
        }
        double windowSeconds = properties.learnWindow().toNanos() / (double) SECOND;
        long quota = Math.max(1, (long) Math.floor(rate * windowSeconds));
        return answered.size() + inFlight.size() >= quota;
    }

    /** Releases the calls whose turn has come, in order, then sleeps (on the timer) until the next token. */
    void pump() {
        List<Waiter> go = new ArrayList<>();
        synchronized (this) {
            pumpScheduled = false;
            long now = clock.getAsLong();
            if (now >= pausedUntil) {
                while (!queue.isEmpty()) {
                    Waiter head = queue.peekFirst();
                    if (head.cancelled) {
                        queue.pollFirst();
                        continue;
                    }
                    if (windowFull(now) || !tokenForHead(now)) {
                        break;
                    }
                    queue.pollFirst();
                    noteRelease(now, now - head.enqueuedAt);
                    go.add(head);
                }
                maybeIncrease(now);
            }
            if (queue.isEmpty()) {
                backlogSince = -1;
            }
            schedulePump(now);
        }
        go.forEach(waiter -> continuations.execute(waiter::proceed));
    }

    /**
     * Whether the queue's head may go now: a token is free, or the one reserved for it is due. Otherwise the next token
     * is reserved (when due within {@link #RESERVE_AHEAD_MAX}) and the pump sleeps until then.
     */
    private boolean tokenForHead(long now) {
        if (reservedUntil >= 0) {
            if (now < reservedUntil) {
                return false;
            }
            reservedUntil = -1;
            return true;
        }
        long wait = bucket.reserve(RESERVE_AHEAD_MAX);
        if (wait == 0) {
            return true;
        }
        if (wait > 0) {
            reservedUntil = now + wait;
        }
        return false;
    }

    private void noteRelease(long now, long waitedNanos) {
        released++;
        inFlight.addLast(now);
        if (waitedNanos > 0) {
            waitedCalls++;
            waitNanosTotal += waitedNanos;
            waitNanosMax = Math.max(waitNanosMax, waitedNanos);
        }
    }

    private void trim(ArrayDeque<Long> times, long now) {
        long window = properties.learnWindow().toNanos();
        while (!times.isEmpty() && now - times.peekFirst() > window) {
            times.pollFirst();
        }
    }

    /** While calls keep queueing and no 429 came for an interval, the believed limit grows one step. */
    private void maybeIncrease(long now) {
        if (queue.isEmpty() || backlogSince < 0) {
            return;
        }
        long interval = properties.increaseInterval().toNanos();
        long quietSince = Math.max(backlogSince, Math.max(lastDecrease, lastIncrease));
        if (now - quietSince < interval) {
            return;
        }
        double ceiling = configuredRate * properties.maxRateFactor();
        if (rate < ceiling) {
            setRate(Math.min(ceiling, rate * (1 + properties.increaseStep())));
        }
        lastIncrease = now;
    }

    private void setRate(double newRate) {
        rate = newRate;
        bucket.replaceConfiguration(BucketConfiguration.builder().addLimit(bandwidth()).build());
    }

    /**
     * What the workspace answered a call released at {@code releasedAt} (status 0: no answer, the call is no longer
     * in flight): an answer counts in the window and towards the measured rate; a 429 pauses the whole key for its
     * Retry-After (capped) and, once per epoch (calls released after the last cut), cuts the believed limit. Call it
     * once per released call.
     *
     * @return the seconds the key is paused for after a 429 (0 otherwise)
     */
    public long onAnswer(int status, Long retryAfterSeconds, long releasedAt) {
        List<Waiter> overdue = new ArrayList<>();
        long pauseSeconds = 0;
        synchronized (this) {
            long now = clock.getAsLong();
            inFlight.pollFirst();

            if (status != 429) {
                if (status > 0) {
                    answered.addLast(now);
                    trim(answered, now);
                    answeredReleases.addLast(releasedAt);
                    while (answeredReleases.size() > 1 && now - answeredReleases.peekFirst() > 2 * properties.learnWindow().toNanos()) {
                        answeredReleases.pollFirst();
                    }
                }
                schedulePump(now);
                return 0;
            }
            upstream429s++;
            long wanted = retryAfterSeconds != null ? retryAfterSeconds * SECOND : properties.defaultRetryAfter().toNanos();
            long pause = Math.min(Math.max(wanted, 0), properties.maxPause().toNanos());
            if (now + pause > pausedUntil) {
                pausedUntil = now + pause;
                pauses++;
            }
            pauseSeconds = Math.max(1, (pausedUntil - now + SECOND - 1) / SECOND);
            if (releasedAt > lastDecrease) {
                decrease(now);
            }
            // calls that can no longer go before their deadline are answered now instead of at it
            int position = 0;
            for (Iterator<Waiter> it = queue.iterator(); it.hasNext();) {
                Waiter waiter = it.next();
                if (now + predictedWait(now, position + 1) > waiter.deadlineNanos) {
                    it.remove();
                    overdue.add(waiter);
                } else {
                    position++;
                }
            }
            schedulePump(now);
        }
        for (Waiter waiter : overdue) {
            long hint;
            synchronized (this) {
                rejections++;
                hint = hintSeconds(clock.getAsLong());
            }
            waiter.reject(hint);
        }
        return pauseSeconds;
    }

    /**
     * A 429 cuts the believed limit: if the key was busy (calls were queueing) to at most what the workspace answered
     * over the learn window, else by the decrease factor alone (a few answers, or an idle key, say nothing of the
     * limit); never below the minimum rate.
     */
    private void decrease(long now) {
        trim(answered, now);
        long window = properties.learnWindow().toNanos();
        double windowSeconds = window / (double) SECOND;
        // calls released within the window and answered: each was counted by the workspace after its release, so in
        // its window as well; counting by release never overestimates what the workspace let through
        double measured = answeredReleases.stream().filter(released -> released > now - window).count() / windowSeconds;
        // calls queueing means the key was sending at its full pace: what came back is the workspace's window (when
        // enough came back to be a measurement, not a 429 that is about something else), less a margin, since answers
        // the workspace counted just before its window may still fall in ours
        boolean measurable = backlogSince >= 0 && answered.size() >= MIN_ANSWERS_TO_MEASURE;
        double cut = rate * properties.decreaseFactor();
        setRate(Math.max(floorRate, measurable ? Math.min(cut, measured * properties.learnMargin()) : cut));
        lastDecrease = now;
        everDecreased = true;
    }

    /**
     * When a turned-away call should come back, in whole seconds (Retry-After is an integer): not before the pause,
     * the calls queued ahead of it and the next free token, nor before the calls now in flight have left the window
     * (they are counted when answered); and at an instant where the calls told to come back stay within the limit
     * over any two windows. Agents come back on whole seconds and the calls of one second are answered while the
     * next second's arrive, so two windows' worth of returns must fit one window of counting. Those who come back
     * when told therefore find their turn, and those turned away together do not all return at once.
     */
    private long hintSeconds(long now) {
        long window = properties.learnWindow().toNanos();
        long span = 2 * window;
        returns.headMap(now - span).clear();
        long clear = now + predictedWait(now, queue.size() + 1);
        if (!inFlight.isEmpty()) {
            clear = Math.max(clear, now + window + 1);
        }
        long seconds = Math.max(1, (clear - now + SECOND - 1) / SECOND);
        long room = Math.max(1, (long) Math.floor(pace() * window / SECOND));
        while (true) {
            long at = now + seconds * SECOND;
            if (busiestSpan(at, span) < room) {
                returns.merge(at, 1, Integer::sum);
                return seconds;
            }
            seconds++;
        }
    }

    /** The most returns already told in any span-long stretch of time that would contain {@code at}. */
    private int busiestSpan(long at, long span) {
        int busiest = count(at, at + span);
        for (long start : returns.subMap(at - span, false, at, true).keySet()) {
            busiest = Math.max(busiest, count(start, start + span));
        }
        return busiest;
    }

    private int count(long from, long to) {
        return returns.subMap(from, true, to, false).values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The RateLimit field values of this key now, for a call that was not limited. */
    public synchronized RateLimitState state(String workspace) {
        long now = clock.getAsLong();
        double pace = pace();
        boolean paused = now < pausedUntil;
        long remaining = paused ? 0 : Math.max(0, bucket.recentAvailableTokens() - queue.size());
        long reset;
        if (paused) {
            reset = (pausedUntil - now + SECOND - 1) / SECOND;
        } else if (remaining > 0) {
            reset = 0;
        } else {
            reset = Math.max(1, (predictedWait(now, queue.size() + 1) + SECOND - 1) / SECOND);
        }
        return new RateLimitState("databricks-" + family.key(), workspace, family, RateLimitFields.quota(pace),
                RateLimitFields.windowSeconds(pace), remaining, reset, null);
    }

    /** What operators see of this key. */
    public synchronized Snapshot snapshot() {
        long now = clock.getAsLong();
        return new Snapshot(host, family.key(), policy.name().toLowerCase(java.util.Locale.ROOT), configuredRate, rate,
                pace(), queue.size(), Math.max(0, (pausedUntil - now) / 1_000_000L), released, upstream429s, rejections,
                pauses, waitedCalls, waitNanosTotal / 1_000_000L, waitNanosMax / 1_000_000L, everDecreased);
    }

    /**
     * @param host           workspace host
     * @param family         API family
     * @param policy         absorb or passthrough
     * @param configuredRate the limit as configured (req/s)
     * @param learnedRate    the limit as learned now (req/s)
     * @param pace           what the gateway lets through (req/s)
     * @param queued         calls waiting now
     * @param pausedMs       how much longer the key is paused (Retry-After)
     * @param released       calls let through
     * @param upstream429s   429s the workspace answered
     * @param rejected       calls turned away by the gateway
     * @param pauses         pauses imposed by Retry-After
     * @param waited         calls that waited
     * @param waitedMsTotal  their waits, summed
     * @param waitedMsMax    the longest wait
     * @param learned        whether a 429 has changed the rate
     */
    public record Snapshot(String host, String family, String policy, double configuredRate, double learnedRate,
            double pace, int queued, long pausedMs, long released, long upstream429s, long rejected, long pauses,
            long waited, long waitedMsTotal, long waitedMsMax, boolean learned) {
    }
}
