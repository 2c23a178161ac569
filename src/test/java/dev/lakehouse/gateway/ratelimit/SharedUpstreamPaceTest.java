package dev.lakehouse.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.lakehouse.gateway.cluster.ClusterProperties;
import dev.lakehouse.gateway.cluster.SharedBuckets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three replicas' limiters of one (workspace, family) key, each with its own connection to the machine's Redis (as
 * three gateway processes have), storming at once with 40 calls each: together they release at the key's pace
 * within 5 % — reserving turns in the shared bucket loses none between the replicas' timers — and never above it.
 * (ReplicasTest measures the same end to end, where HTTP adds its own jitter to the arrivals.)
 */
class SharedUpstreamPaceTest {

    private static final double PACE = 10 * 0.95;   // rate 10/s × the safety of UpstreamLimitTest.properties
    private static final int CALLS_PER_REPLICA = 40;

    private final List<SharedBuckets> replicas = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        replicas.forEach(SharedBuckets::destroy);
        timer.shutdownNow();
        pool.shutdownNow();
    }

    @Test
    void threeReplicasReleaseAtTheOnePaceTogether() throws Exception {
        Continuations continuations = new Continuations() {
            @Override
            public void schedule(Runnable task, long delayNanos) {
                timer.schedule(() -> pool.execute(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            }

            @Override
            public void execute(Runnable task) {
                pool.execute(task);
            }
        };
        String host = "pace-" + System.nanoTime() + ".example:443";
        List<UpstreamLimit> limits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SharedBuckets buckets = new SharedBuckets(new ClusterProperties("redis://127.0.0.1:6379", "pace-" + i,
                    Duration.ofSeconds(2), true, true, Duration.ofMillis(200)));
            replicas.add(buckets);
            limits.add(new UpstreamLimit(host, ApiFamily.CLUSTERS, new RateLimitProperties.Family(10.0, 1,
                    RateLimitPolicy.ABSORB), UpstreamLimitTest.properties(Duration.ofMinutes(5)), System::nanoTime,
                    continuations, buckets));
        }
        // each replica connects on its own background thread; until then it would limit alone
        long connectBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!replicas.stream().allMatch(SharedBuckets::connected) && System.nanoTime() < connectBy) {
            Thread.sleep(50);
        }

        int total = 3 * CALLS_PER_REPLICA;
        CountDownLatch released = new CountDownLatch(total);
        AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        AtomicLong last = new AtomicLong();
        AtomicInteger rejected = new AtomicInteger();
        for (int k = 0; k < CALLS_PER_REPLICA; k++) {
            for (UpstreamLimit limit : limits) {
                UpstreamLimit.Waiter waiter = new UpstreamLimit.Waiter(System.nanoTime() + TimeUnit.SECONDS.toNanos(60), false) {
                    @Override
                    protected void proceed() {
                        long now = System.nanoTime();
                        first.accumulateAndGet(now, Math::min);
                        last.accumulateAndGet(now, Math::max);
                        limit.onAnswer(200, null, now);
                        released.countDown();
                    }

                    @Override
                    protected void reject(long retryAfterSeconds) {
                        rejected.incrementAndGet();
                        released.countDown();
                    }
                };
                if (limit.enter(waiter) == UpstreamLimit.Outcome.PROCEED) {
                    waiter.proceed();
                }
            }
        }
        assertThat(released.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(rejected.get()).isZero();
        // the first call goes at once (burst 1); the other n-1 follow at the pace
        double pace = (total - 1) / ((last.get() - first.get()) / 1e9);
        System.out.printf("shared upstream pace: %d calls of 3 replicas at %.2f/s (pace %.2f/s)%n", total, pace, PACE);
        assertThat(pace).isBetween(PACE * 0.95, PACE * 1.05);
    }
}
