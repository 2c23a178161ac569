package dev.lakehouse.gateway.ratelimit;

/** Where waiting calls resume: a timer that holds no thread per waiter, and a pool that runs the continuation. */
public interface Continuations {

    /** Runs {@code task} on the continuation pool after {@code delayNanos} (at once if not positive). */
    void schedule(Runnable task, long delayNanos);

    /** Runs {@code task} on the continuation pool now. */
    void execute(Runnable task);
}
