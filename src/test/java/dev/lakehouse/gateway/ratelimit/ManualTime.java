package dev.lakehouse.gateway.ratelimit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A fake clock and an in-thread continuation pool for algorithm tests: nothing runs until {@link #advance} moves
 * time past a task's due time, so every step of a limiter is deterministic.
 */
final class ManualTime implements Continuations, LongSupplier {

    private record Task(long due, long order, Runnable run) {
    }

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final List<Task> tasks = new ArrayList<>();
    private long order;

    @Override
    public long getAsLong() {
        return now.get();
    }

    @Override
    public synchronized void schedule(Runnable task, long delayNanos) {
        tasks.add(new Task(now.get() + Math.max(0, delayNanos), order++, task));
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(new Task(now.get(), order++, task));
    }

    /** Runs what is due now, including what those tasks schedule for now. */
    void runDue() {
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> t.due() <= now.get())
                        .min(Comparator.comparingLong(Task::due).thenComparingLong(Task::order)).orElse(null);
                if (next == null) {
                    return;
                }
                tasks.remove(next);
            }
            next.run().run();
        }
    }

    /** Moves time forward in steps of at most 1 ms, running every task when it falls due. */
    void advance(long nanos) {
        long end = now.get() + nanos;
        runDue();
        while (now.get() < end) {
            long nextDue;
            synchronized (this) {
                nextDue = tasks.stream().mapToLong(Task::due).min().orElse(end);
            }
            now.set(Math.min(end, Math.max(now.get() + 1, Math.min(nextDue, now.get() + 1_000_000L))));
            runDue();
        }
    }

    void advanceMillis(long millis) {
        advance(millis * 1_000_000L);
    }

    synchronized int pending() {
        return tasks.size();
    }
}
