package dev.lakehouse.gateway.soak;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every call of the soak: latency per tool and how it ended. An {@code isError} answer is <em>expected</em> only
 * while a fault the soak injected on purpose can explain it (its window); anything else that is not a plain
 * answer — a protocol error, an HTTP failure, a dropped stream, an {@code isError} outside every fault window — is
 * <em>unexpected</em>, and the first few are kept to say what the client saw.
 */
final class SoakLedger {

    /** How one call ended. */
    enum Outcome { OK, FAULT_ERROR, UNEXPECTED }

    private static final int KEPT_SAMPLES = 12;

    private final long startNanos = System.nanoTime();
    private final Map<String, ToolStats> tools = new ConcurrentHashMap<>();
    private final List<long[]> faultWindows = new CopyOnWriteArrayList<>();
    private final List<String> unexpectedSamples = new CopyOnWriteArrayList<>();
    private final AtomicInteger unexpected = new AtomicInteger();
    private final List<String> faultErrorSamples = new CopyOnWriteArrayList<>();
    private final AtomicInteger faultErrors = new AtomicInteger();

    /** Calls that start or end between now and {@code windowMillis} from now may fail because of a fault. */
    void faultInjected(long windowMillis) {
        long now = System.nanoTime();
        faultWindows.add(new long[] {now, now + windowMillis * 1_000_000});
    }

    /** Records a finished call; {@code error} is the tool's error text when the answer was {@code isError}. */
    void answered(String tool, long startedNanos, String error) {
        long endedNanos = System.nanoTime();
        Outcome outcome = error == null ? Outcome.OK
                : inFaultWindow(startedNanos, endedNanos) ? Outcome.FAULT_ERROR : Outcome.UNEXPECTED;
        if (outcome == Outcome.UNEXPECTED) {
            keep(tool + " isError: " + error);
        } else if (outcome == Outcome.FAULT_ERROR && faultErrors.incrementAndGet() <= KEPT_SAMPLES) {
            faultErrorSamples.add(stamped(tool + ": " + error));
        }
        stats(tool).add(outcome, (endedNanos - startedNanos) / 1_000_000);
    }

    /** Records a call that got no tool answer at all (protocol error, HTTP status, exception): always unexpected. */
    void failed(String tool, long startedNanos, String what) {
        keep(tool + " failed: " + what);
        stats(tool).add(Outcome.UNEXPECTED, (System.nanoTime() - startedNanos) / 1_000_000);
    }

    int unexpected() {
        return unexpected.get();
    }

    List<String> unexpectedSamples() {
        return List.copyOf(unexpectedSamples);
    }

    /** What the agents were told when an injected fault reached them (the first few). */
    List<String> faultErrorSamples() {
        return List.copyOf(faultErrorSamples);
    }

    /** Calls per tool that ended OK. */
    Map<String, Integer> okByTool() {
        Map<String, Integer> ok = new TreeMap<>();
        tools.forEach((tool, stats) -> ok.put(tool, stats.count(Outcome.OK)));
        return ok;
    }

    long secondsSinceStart() {
        return (System.nanoTime() - startNanos) / 1_000_000_000;
    }

    /** The per-tool table: calls, outcomes, p50/p99/max latency. */
    String toolTable() {
        StringBuilder table = new StringBuilder(
                "| tool | calls | ok | fault errors | unexpected | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|---|\n");
        new TreeMap<>(tools).forEach((tool, stats) -> table.append(stats.row(tool)).append('\n'));
        return table.toString();
    }

    private boolean inFaultWindow(long startedNanos, long endedNanos) {
        for (long[] window : faultWindows) {
            if (endedNanos >= window[0] && startedNanos <= window[1]) {
                return true;
            }
        }
        return false;
    }

    private void keep(String sample) {
        if (unexpected.incrementAndGet() <= KEPT_SAMPLES) {
            unexpectedSamples.add(stamped(sample));
        }
    }

    private String stamped(String sample) {
        String line = sample.replaceAll("\\s+", " ");
        return "t+" + secondsSinceStart() + "s " + (line.length() > 400 ? line.substring(0, 400) + "…" : line);
    }

    private ToolStats stats(String tool) {
        return tools.computeIfAbsent(tool, name -> new ToolStats());
    }

    /** One tool's latencies and outcome counts. */
    private static final class ToolStats {
        private final List<Long> millis = new ArrayList<>();
        private final int[] outcomes = new int[Outcome.values().length];

        synchronized void add(Outcome outcome, long latencyMillis) {
            millis.add(latencyMillis);
            outcomes[outcome.ordinal()]++;
        }

        synchronized int count(Outcome outcome) {
            return outcomes[outcome.ordinal()];
        }

        synchronized String row(String tool) {
            List<Long> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            return "| " + tool + " | " + sorted.size() + " | " + outcomes[0] + " | " + outcomes[1] + " | " + outcomes[2]
                    + " | " + percentile(sorted, 50) + " | " + percentile(sorted, 99) + " | "
                    + (sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1)) + " |";
        }

        private static long percentile(List<Long> sorted, int percent) {
            if (sorted.isEmpty()) {
                return 0;
            }
            int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
            return sorted.get(Math.max(0, rank - 1));
        }
    }
}
