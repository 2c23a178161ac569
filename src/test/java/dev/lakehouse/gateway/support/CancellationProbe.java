package dev.lakehouse.gateway.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lakehouse.gateway.mcp.McpCall;
import org.springframework.boot.test.context.TestComponent;

/** Counts the ticks of test_wait_for_cancel per label and reports progress; stops on cancellation or after 200 ticks. */
@TestComponent("cancellationProbe")
public class CancellationProbe {

    private final Map<String, AtomicInteger> ticks = new ConcurrentHashMap<>();
    private final Map<String, Boolean> sawCancel = new ConcurrentHashMap<>();

    public boolean keepGoing(McpCall call, String label) {
        int tick = ticks.computeIfAbsent(label, k -> new AtomicInteger()).incrementAndGet();
        if (call.isCancelled()) {
            sawCancel.put(label, true);
            return false;
        }
        call.progress(tick, null, "tick " + tick);
        return tick < 200;
    }

    public int ticks(String label) {
        AtomicInteger count = ticks.get(label);
        return count == null ? 0 : count.get();
    }

    public boolean sawCancel(String label) {
        return sawCancel.getOrDefault(label, false);
    }
}
