package dev.lakehouse.emulator.http;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;

import dev.lakehouse.emulator.EmulatorProperties;

/**
 * Sliding-window request limits per API family of one workspace. In the default lenient mode a
 * request is checked on arrival but counted only after its response is computed, so a burst of
 * concurrent requests all pass and the 429s begin with the requests that follow.
 */
public final class RateLimiter {

    private final long windowNanos;
    private final boolean recordAfterResponse;
    private final Map<ApiFamily, Window> windows = new EnumMap<>(ApiFamily.class);

    public RateLimiter(EmulatorProperties.RateLimits config) {
        this.windowNanos = config.getWindow().toNanos();
        this.recordAfterResponse = config.isRecordAfterResponse();
        config.getLimits().forEach((name, limit) -> {
            if (limit != null && limit > 0) {
                windows.put(ApiFamily.parse(name), new Window(limit));
            }
        });
    }

    /** True when a request of this family may proceed; in strict mode it is also counted now. */
    public boolean admit(ApiFamily family) {
        Window window = windows.get(family);
        if (window == null) {
            return true;
        }
        return window.admit(System.nanoTime(), !recordAfterResponse);
    }

    /** Counts an admitted request after its response was computed (lenient mode only). */
    public void recordCompleted(ApiFamily family) {
        Window window = windows.get(family);
        if (window != null && recordAfterResponse) {
            window.record(System.nanoTime());
        }
    }

    private final class Window {
        private final int limit;
        private final Deque<Long> stamps = new ArrayDeque<>();

        Window(int limit) {
            this.limit = limit;
        }

        synchronized boolean admit(long now, boolean countNow) {
            prune(now);
            if (stamps.size() >= limit) {
                return false;
            }
            if (countNow) {
                stamps.addLast(now);
            }
            return true;
        }

        synchronized void record(long now) {
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
