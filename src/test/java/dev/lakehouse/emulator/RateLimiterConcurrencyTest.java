package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.lakehouse.emulator.http.ApiFamily;
import dev.lakehouse.emulator.http.RateLimiter;

/** The limiter on its own, hammered by hundreds of threads, and its update rules. */
@Timeout(60)
class RateLimiterConcurrencyTest {

    private static final int THREADS = 400;

    private static RateLimiter limiter(boolean recordAfterResponse, Map<String, Integer> limits,
                                       Map<String, Integer> concurrent) {
        EmulatorProperties.RateLimits config = new EmulatorProperties.RateLimits();
        config.setWindow(Duration.ofMinutes(5));
        config.setRecordAfterResponse(recordAfterResponse);
        config.getLimits().clear();
        config.getLimits().putAll(limits);
        config.getConcurrent().putAll(concurrent);
        return new RateLimiter(config);
    }

    /** Runs {@code task} on {@link #THREADS} threads released at the same moment. */
    private static void onAllThreads(ThrowingRunnable task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch ready = new CountDownLatch(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    task.run();
                    return null;
                }));
            }
            ready.await();
            go.countDown();
            for (Future<?> f : futures) {
                f.get(50, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void strictModeAdmitsExactlyTheLimitOfASimultaneousBurst() throws Exception {
        RateLimiter limiter = limiter(false, Map.of("jobs", 50), Map.of());
        AtomicInteger admitted = new AtomicInteger();
        onAllThreads(() -> {
            RateLimiter.Admission a = limiter.admit(ApiFamily.JOBS);
            if (a.admitted()) {
                admitted.incrementAndGet();
                a.recordUsage();
                a.release();
            } else {
                assertThat(a.refusal()).isEqualTo(RateLimiter.Refusal.RATE);
                assertThat(a.limit()).isEqualTo(50);
            }
        });
        assertThat(admitted.get()).isEqualTo(50);
        assertThat(limiter.inFlight(ApiFamily.JOBS)).isZero();
    }

    @Test
    void lenientModeLetsTheWholeBurstPassAndThenRefuses() throws Exception {
        RateLimiter limiter = limiter(true, Map.of("jobs", 50), Map.of());
        Queue<RateLimiter.Admission> held = new ConcurrentLinkedQueue<>();
        onAllThreads(() -> held.add(limiter.admit(ApiFamily.JOBS)));
        assertThat(held).hasSize(THREADS).allMatch(RateLimiter.Admission::admitted);
        assertThat(limiter.inFlight(ApiFamily.JOBS)).isEqualTo(THREADS);
        onAllThreads(() -> {
            RateLimiter.Admission a = held.remove();
            a.recordUsage();
            a.recordUsage(); // idempotent
            a.release();
            a.release();
        });
        assertThat(limiter.inFlight(ApiFamily.JOBS)).isZero();
        assertThat(limiter.admit(ApiFamily.JOBS).admitted()).isFalse();
        assertThat(limiter.admit(ApiFamily.SQL).admitted()).isTrue();
    }

    @Test
    void inFlightNeverExceedsTheConcurrencyLimit() throws Exception {
        RateLimiter limiter = limiter(true, Map.of(), Map.of("sql", 10));
        AtomicInteger current = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        onAllThreads(() -> {
            for (int i = 0; i < 200; i++) {
                RateLimiter.Admission a = limiter.admit(ApiFamily.SQL);
                if (!a.admitted()) {
                    assertThat(a.refusal()).isEqualTo(RateLimiter.Refusal.CONCURRENCY);
                    assertThat(a.limit()).isEqualTo(10);
                    refused.incrementAndGet();
                    continue;
                }
                try {
                    admitted.incrementAndGet();
                    max.accumulateAndGet(current.incrementAndGet(), Math::max);
                    Thread.yield();
                    current.decrementAndGet();
                } finally {
                    a.release();
                }
            }
        });
        assertThat(max.get()).isBetween(1, 10);
        assertThat(admitted.get() + refused.get()).isEqualTo(THREADS * 200);
        assertThat(refused.get()).isPositive();
        assertThat(limiter.inFlight(ApiFamily.SQL)).isZero();
    }

    @Test
    void settingsChangeSafelyUnderLoad() throws Exception {
        RateLimiter limiter = limiter(true, Map.of("clusters", 5), Map.of("clusters", 3));
        AtomicBoolean running = new AtomicBoolean(true);
        Thread changer = new Thread(() -> {
            int i = 0;
            while (running.get()) {
                int n = i++ % 4;
                limiter.update(new RateLimiter.Update(n == 0 ? Duration.ofMillis(5 + i % 7) : null, i % 3, i % 2 == 0,
                        null, Map.of(ApiFamily.CLUSTERS, n), Map.of(ApiFamily.CLUSTERS, 3 - n)));
            }
        });
        changer.start();
        try {
            onAllThreads(() -> {
                for (int i = 0; i < 100; i++) {
                    RateLimiter.Admission a = limiter.admit(ApiFamily.CLUSTERS);
                    a.recordUsage();
                    a.release();
                }
            });
        } finally {
            running.set(false);
            changer.join();
        }
        assertThat(limiter.inFlight(ApiFamily.CLUSTERS)).isZero();
    }

    /** A complete request: admitted, counted and released; true when it was admitted. */
    private static boolean pass(RateLimiter limiter, ApiFamily family) {
        RateLimiter.Admission a = limiter.admit(family);
        a.recordUsage();
        a.release();
        return a.admitted();
    }

    @Test
    void updatesStartFreshWindowsAndResetRestoresTheConfiguration() {
        RateLimiter limiter = limiter(false, Map.of("jobs", 2, "sql", 1), Map.of());
        assertThat(pass(limiter, ApiFamily.JOBS)).isTrue();
        assertThat(pass(limiter, ApiFamily.JOBS)).isTrue();
        assertThat(pass(limiter, ApiFamily.JOBS)).isFalse();
        assertThat(pass(limiter, ApiFamily.SQL)).isTrue();
        assertThat(pass(limiter, ApiFamily.SQL)).isFalse();

        // naming a family gives it a fresh window; the others keep theirs
        RateLimiter.Settings s = limiter.update(new RateLimiter.Update(null, null, null, null, Map.of(ApiFamily.JOBS, 2), null));
        assertThat(s.limits()).containsEntry(ApiFamily.JOBS, 2).containsEntry(ApiFamily.SQL, 1);
        assertThat(pass(limiter, ApiFamily.JOBS)).isTrue();
        assertThat(pass(limiter, ApiFamily.SQL)).isFalse();

        // a new window gives every family a fresh one
        s = limiter.update(new RateLimiter.Update(Duration.ofMinutes(1), 4, false, null, null, null));
        assertThat(s.window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(pass(limiter, ApiFamily.SQL)).isTrue();
        RateLimiter.Admission refused = limiter.admit(ApiFamily.SQL);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refusal()).isEqualTo(RateLimiter.Refusal.RATE);
        assertThat(refused.retryAfterSeconds()).isNull();

        // 0 removes a limit
        s = limiter.update(new RateLimiter.Update(null, null, true, null, Map.of(ApiFamily.SQL, 0), Map.of(ApiFamily.SQL, 1)));
        assertThat(s.limits()).doesNotContainKey(ApiFamily.SQL);
        assertThat(s.concurrent()).containsEntry(ApiFamily.SQL, 1);
        assertThat(limiter.inFlight(ApiFamily.SQL)).isZero();
        RateLimiter.Admission first = limiter.admit(ApiFamily.SQL);
        assertThat(first.admitted()).isTrue();
        RateLimiter.Admission second = limiter.admit(ApiFamily.SQL);
        assertThat(second.refusal()).isEqualTo(RateLimiter.Refusal.CONCURRENCY);
        assertThat(second.limit()).isEqualTo(1);
        assertThat(second.retryAfterSeconds()).isEqualTo(4);
        first.release();
        assertThat(pass(limiter, ApiFamily.SQL)).isTrue();
        assertThat(pass(limiter, ApiFamily.SQL)).isTrue();

        s = limiter.reset();
        assertThat(s.window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.retryAfterSeconds()).isEqualTo(1);
        assertThat(s.retryAfterEnabled()).isTrue();
        assertThat(s.limits()).containsOnly(Map.entry(ApiFamily.JOBS, 2), Map.entry(ApiFamily.SQL, 1));
        assertThat(s.concurrent()).isEmpty();
        assertThat(pass(limiter, ApiFamily.SQL)).isTrue();
        assertThat(pass(limiter, ApiFamily.SQL)).isFalse();
    }
}
