package dev.lakehouse.emulator.http;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lakehouse.emulator.EmulatorProperties;

/**
 * The request limits of one workspace, per API family, as Databricks applies them: a sliding-window rate
 * limit and a limit on requests in flight at once.
 *
 * <p>Rate: in the default lenient mode a request is checked on arrival but counted only after its response
 * is computed, so a burst of concurrent requests all pass and the 429s begin with the requests that follow;
 * in strict mode it is counted on arrival. Concurrency: a request is in flight from its admission until its
 * response is computed (or the connection dropped); one arriving while the family's limit is reached is refused.
 *
 * <p>Thread-safe: each request reads one immutable snapshot of the settings; the per-family windows
 * synchronise on themselves and the in-flight counters are atomic. The settings can be changed at runtime
 * ({@link #update}); a family whose rate limit is set, or every family when the window changes, starts a fresh
 * window. Requests already in flight keep counting against the (new) concurrency limits.
 */
public final class RateLimiter {

    /** Why a request was refused. */
    public enum Refusal { RATE, CONCURRENCY }

    /** The current settings; the maps hold only families that have a limit. */
    public record Settings(Duration window, int retryAfterSeconds, boolean retryAfterEnabled,
                           boolean recordAfterResponse, Map<ApiFamily, Integer> limits,
                           Map<ApiFamily, Integer> concurrent) { }

    /**
     * A change of the settings; null fields and families missing from the maps stay as they are, a limit of
     * 0 removes that limit.
     */
    public record Update(Duration window, Integer retryAfterSeconds, Boolean retryAfterEnabled,
                         Boolean recordAfterResponse, Map<ApiFamily, Integer> limits,
                         Map<ApiFamily, Integer> concurrent) { }

    private static final ApiFamily[] FAMILIES = ApiFamily.values();

    /** One immutable snapshot of the settings; {@code windows[i]} is null when family i has no rate limit. */
    private record State(long windowNanos, int retryAfterSeconds, boolean retryAfterEnabled,
                         boolean recordAfterResponse, Window[] windows, int[] concurrent) { }

    private final EmulatorProperties.RateLimits configured;
    private final AtomicInteger[] inFlight = new AtomicInteger[FAMILIES.length];
    private final Object updateLock = new Object();
    private volatile State state;

    public RateLimiter(EmulatorProperties.RateLimits config) {
        this.configured = config;
        for (int i = 0; i < inFlight.length; i++) {
            inFlight[i] = new AtomicInteger();
        }
        this.state = configuredState();
    }

    private State configuredState() {
        long windowNanos = configured.getWindow().toNanos();
        Window[] windows = new Window[FAMILIES.length];
        configured.getLimits().forEach((name, limit) -> windows[ApiFamily.parse(name).ordinal()] =
                limit != null && limit > 0 ? new Window(limit, windowNanos) : null);
        int[] concurrent = new int[FAMILIES.length];
        if (configured.getConcurrent() != null) {
            configured.getConcurrent().forEach((name, limit) -> concurrent[ApiFamily.parse(name).ordinal()] =
                    limit == null ? 0 : Math.max(0, limit));
        }
        return new State(windowNanos, configured.getRetryAfterSeconds(), configured.isRetryAfterEnabled(),
                configured.isRecordAfterResponse(), windows, concurrent);
    }

    /**
     * Decides about a request of this family. An admitted request holds an in-flight slot until
     * {@link Admission#release()}; in strict mode it is also counted in the window now.
     */
    public Admission admit(ApiFamily family) {
        State s = state;
        int i = family.ordinal();
        AtomicInteger slots = inFlight[i];
        int maxInFlight = s.concurrent[i];
        if (!tryAcquire(slots, maxInFlight)) {
            return new Admission(family, Refusal.CONCURRENCY, maxInFlight, retryAfter(s), null, null);
        }
        Window window = s.windows[i];
        if (window != null && !window.admit(!s.recordAfterResponse)) {
            slots.decrementAndGet();
            return new Admission(family, Refusal.RATE, window.limit, retryAfter(s), null, null);
        }
        return new Admission(family, null, 0, null, s.recordAfterResponse ? window : null, slots);
    }

    private static boolean tryAcquire(AtomicInteger slots, int max) {
        if (max <= 0) {
            slots.incrementAndGet();
            return true;
        }
        while (true) {
            int current = slots.get();
            if (current >= max) {
                return false;
            }
            if (slots.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    private static Integer retryAfter(State s) {
        return s.retryAfterEnabled ? s.retryAfterSeconds : null;
    }

    /** Requests of this family admitted and not yet responded to. */
    public int inFlight(ApiFamily family) {
        return inFlight[family.ordinal()].get();
    }

    public Settings settings() {
        State s = state;
        Map<ApiFamily, Integer> limits = new EnumMap<>(ApiFamily.class);
        Map<ApiFamily, Integer> concurrent = new EnumMap<>(ApiFamily.class);
        for (ApiFamily family : FAMILIES) {
            Window window = s.windows[family.ordinal()];
            if (window != null) {
                limits.put(family, window.limit);
            }
            if (s.concurrent[family.ordinal()] > 0) {
                concurrent.put(family, s.concurrent[family.ordinal()]);
            }
        }
        return new Settings(Duration.ofNanos(s.windowNanos), s.retryAfterSeconds, s.retryAfterEnabled,
                s.recordAfterResponse, Collections.unmodifiableMap(limits), Collections.unmodifiableMap(concurrent));
    }

    /**
     * Applies a change at once. Every family named in {@code limits} starts a fresh window (also when its
     * limit stays the same); a new {@code window} gives every family a fresh window.
     */
    public Settings update(Update update) {
        if (update.window() != null && (update.window().isNegative() || update.window().isZero())) {
            throw new IllegalArgumentException("window must be positive");
        }
        if (update.retryAfterSeconds() != null && update.retryAfterSeconds() < 0) {
            throw new IllegalArgumentException("retryAfterSeconds must be >= 0");
        }
        synchronized (updateLock) {
            State current = state;
            long windowNanos = update.window() != null ? update.window().toNanos() : current.windowNanos;
            Window[] windows = new Window[FAMILIES.length];
            for (int i = 0; i < windows.length; i++) {
                Integer limit = update.limits() == null ? null : update.limits().get(FAMILIES[i]);
                Window old = current.windows[i];
                if (limit != null) {
                    if (limit < 0) {
                        throw new IllegalArgumentException("limit of " + FAMILIES[i].key() + " must be >= 0");
                    }
                    windows[i] = limit > 0 ? new Window(limit, windowNanos) : null;
                } else if (update.window() != null) {
                    windows[i] = old == null ? null : new Window(old.limit, windowNanos);
                } else {
                    windows[i] = old;
                }
            }
            int[] concurrent = current.concurrent.clone();
            if (update.concurrent() != null) {
                update.concurrent().forEach((family, limit) -> {
                    if (limit != null) {
                        if (limit < 0) {
                            throw new IllegalArgumentException("concurrent limit of " + family.key() + " must be >= 0");
                        }
                        concurrent[family.ordinal()] = limit;
                    }
                });
            }
            state = new State(windowNanos,
                    update.retryAfterSeconds() != null ? update.retryAfterSeconds() : current.retryAfterSeconds,
                    update.retryAfterEnabled() != null ? update.retryAfterEnabled() : current.retryAfterEnabled,
                    update.recordAfterResponse() != null ? update.recordAfterResponse() : current.recordAfterResponse,
                    windows, concurrent);
            return settings();
        }
    }

    /** Back to the configured ({@code emulator.rate-limits.*}) settings, with fresh windows. */
    public Settings reset() {
        synchronized (updateLock) {
            state = configuredState();
            return settings();
        }
    }

    /**
     * The limiter's decision about one request. An admitted one holds an in-flight slot until
     * {@link #release()} and, in lenient mode, is counted by {@link #recordUsage()}. Used by the one thread
     * serving the request; both methods are idempotent.
     */
    public static final class Admission {
        private final ApiFamily family;
        private final Refusal refusal;
        private final int limit;
        private final Integer retryAfterSeconds;
        private Window usageWindow;
        private AtomicInteger slot;

        private Admission(ApiFamily family, Refusal refusal, int limit, Integer retryAfterSeconds,
                          Window usageWindow, AtomicInteger slot) {
            this.family = family;
            this.refusal = refusal;
            this.limit = limit;
            this.retryAfterSeconds = retryAfterSeconds;
            this.usageWindow = usageWindow;
            this.slot = slot;
        }

        public boolean admitted() { return refusal == null; }

        public ApiFamily family() { return family; }

        /** Why the request was refused; null when admitted. */
        public Refusal refusal() { return refusal; }

        /** The limit that refused the request (requests per window or in flight). */
        public int limit() { return limit; }

        /** Retry-After seconds for the 429, or null when the header is switched off. */
        public Integer retryAfterSeconds() { return retryAfterSeconds; }

        /** Counts the request in its window now that its response is computed (lenient mode only). */
        public void recordUsage() {
            Window window = usageWindow;
            if (window != null) {
                usageWindow = null;
                window.record();
            }
        }

        /** Ends the request's time in flight. */
        public void release() {
            AtomicInteger held = slot;
            if (held != null) {
                slot = null;
                held.decrementAndGet();
            }
        }
    }

    /** Time stamps of the counted requests of one family within the last window. */
    private static final class Window {
        private final int limit;
        private final long windowNanos;
        private final ArrayDeque<Long> stamps = new ArrayDeque<>();

        Window(int limit, long windowNanos) {
            this.limit = limit;
            this.windowNanos = windowNanos;
        }

        /** The clock is read under the lock so the stamps stay in order. */
        synchronized boolean admit(boolean countNow) {
            long now = System.nanoTime();
            prune(now);
            if (stamps.size() >= limit) {
                return false;
            }
            if (countNow) {
                stamps.addLast(now);
            }
            return true;
        }

        synchronized void record() {
            long now = System.nanoTime();
            prune(now);
            stamps.addLast(now);
        }

        private void prune(long now) {
            while (!stamps.isEmpty() && now - stamps.peekFirst() >= windowNanos) {
                stamps.removeFirst();
            }
        }
    }
}
