package dev.lakehouse.emulator.admin;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the requests a workspace received ("METHOD /path"), so tests can see retries arrive. */
public final class RequestLog {

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();

    public void record(String method, String path) {
        total.incrementAndGet();
        counts.computeIfAbsent(method + " " + path, k -> new AtomicLong()).incrementAndGet();
    }

    public long count(String method, String path) {
        AtomicLong count = counts.get(method + " " + path);
        return count == null ? 0 : count.get();
    }

    public long total() {
        return total.get();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    public void reset() {
        counts.clear();
        total.set(0);
    }
}
