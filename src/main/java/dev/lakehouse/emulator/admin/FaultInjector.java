package dev.lakehouse.emulator.admin;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lakehouse.emulator.http.ApiFamily;
import dev.lakehouse.emulator.http.ApiResponse;

/** The active faults of one workspace and the decision which of them hit a request. */
public final class FaultInjector {

    /** What to do with a request: sleep first, then answer with the fault (or drop), or go on normally. */
    public record Decision(long latencyMs, Fault terminal) {
        public boolean drop() {
            return terminal != null && terminal.kind() == Fault.Kind.DROP_CONNECTION;
        }

        public ApiResponse response() {
            return terminal == null ? null : terminal.response();
        }
    }

    private static final Decision NONE = new Decision(0, null);

    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    public String nextId() {
        return "fault-" + ids.incrementAndGet();
    }

    public void add(Fault fault) {
        faults.add(fault);
    }

    public List<Fault> list() {
        faults.removeIf(f -> f.expired(Instant.now()));
        return List.copyOf(faults);
    }

    public boolean remove(String id) {
        return faults.removeIf(f -> f.id().equals(id));
    }

    public void clear() {
        faults.clear();
    }

    /** All matching LATENCY faults add up; the first matching error/drop fault with budget left wins. */
    public Decision evaluate(String method, String path, ApiFamily family) {
        if (faults.isEmpty()) {
            return NONE;
        }
        Instant now = Instant.now();
        long latency = 0;
        Fault terminal = null;
        for (Fault fault : faults) {
            if (fault.expired(now) || !fault.matches(method, path, family)) {
                continue;
            }
            if (fault.kind() == Fault.Kind.LATENCY) {
                if (fault.tryConsume()) {
                    latency += fault.latencyMs();
                }
            } else if (terminal == null && fault.tryConsume()) {
                terminal = fault;
            }
        }
        faults.removeIf(f -> f.expired(now));
        return latency == 0 && terminal == null ? NONE : new Decision(latency, terminal);
    }
}
