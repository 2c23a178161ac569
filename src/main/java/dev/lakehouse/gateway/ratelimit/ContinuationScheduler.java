package dev.lakehouse.gateway.ratelimit;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Waiting without holding a thread: one timer thread counts down every wait (throttle turns, Retry-After pauses, SQL
 * polling delays) and hands the continuation to a pool that grows only with the work that runs (a cached pool; on
 * JDK 21+ with {@code camel.threads.virtual.enabled} its threads are virtual). A thousand waiting calls cost a
 * thousand timer entries, not a thousand threads.
 *
 * <p>The routes' Delay EIPs use it as {@code executorService: continuationTimer} with {@code asyncDelayed: true}.
 */
@Component("continuations")
public class ContinuationScheduler implements Continuations, DisposableBean {

    /** Name of the timer in Camel's registry, for {@code executorService} of an async Delay EIP. */
    public static final String TIMER = "continuationTimer";

    private final ExecutorService pool;
    private final HandOffTimer timer;

    public ContinuationScheduler(CamelContext camelContext) {
        this.pool = camelContext.getExecutorServiceManager().newCachedThreadPool(this, "continuation");
        this.timer = new HandOffTimer(pool);
        camelContext.getRegistry().bind(TIMER, timer);
    }

    @Override
    public void schedule(Runnable task, long delayNanos) {
        if (delayNanos <= 0) {
            pool.execute(task);
        } else {
            timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
        pool.shutdownNow();
    }

    /** A one-thread timer whose tasks run on the pool, never on the timer thread (it only counts down). */
    static final class HandOffTimer extends ScheduledThreadPoolExecutor {
        private final ExecutorService pool;

        HandOffTimer(ExecutorService pool) {
            super(1, runnable -> {
                Thread thread = new Thread(runnable, "continuation-timer");
                thread.setDaemon(true);
                return thread;
            });
            this.pool = pool;
            setRemoveOnCancelPolicy(true);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            return super.schedule(() -> pool.execute(task), delay, unit);
        }
    }
}
