package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.lakehouse.emulator.EmulatorFixture.Reply;

/** Per-family limits: a concurrent burst passes (usage recorded after responding), later requests get 429. */
@Timeout(60)
class RateLimitBurstTest {

    private EmulatorServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Workspace start(boolean recordAfterResponse) {
        EmulatorProperties p = EmulatorFixture.fastProperties();
        p.getRateLimits().setWindow(Duration.ofSeconds(30));
        p.getRateLimits().setRecordAfterResponse(recordAfterResponse);
        p.getRateLimits().getLimits().put("clusters", 4);
        server = new EmulatorServer(p).start();
        return server.workspace("acme");
    }

    @Test
    void concurrentBurstPassesThenRequestsAreThrottled() throws Exception {
        Workspace acme = start(true);
        // every request of the burst takes 400 ms, so all of them are in flight before any is counted
        EmulatorFixture.post(acme.url() + "/emulator/admin/faults", null,
                "{\"kind\":\"LATENCY\",\"family\":\"clusters\",\"latency_ms\":400,\"count\":8}");
        List<Integer> statuses = burst(acme, 8);
        assertThat(statuses).hasSize(8).containsOnly(200);

        Reply throttled = EmulatorFixture.get(acme.url() + "/api/2.1/clusters/list", EmulatorFixture.pat(acme));
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isEqualTo("1");
        assertThat(throttled.json().get("error_code").asText()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
        assertThat(throttled.json().get("message").asText()).isNotBlank();

        // other families have their own budget
        assertThat(EmulatorFixture.get(acme.url() + "/api/2.0/sql/warehouses", EmulatorFixture.pat(acme)).status())
                .isEqualTo(200);
    }

    @Test
    void strictModeCountsOnArrival() throws Exception {
        Workspace acme = start(false);
        EmulatorFixture.post(acme.url() + "/emulator/admin/faults", null,
                "{\"kind\":\"LATENCY\",\"family\":\"clusters\",\"latency_ms\":400,\"count\":8}");
        List<Integer> statuses = burst(acme, 8);
        assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(4);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(4);
    }

    private static List<Integer> burst(Workspace acme, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<CompletableFuture<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                        return EmulatorFixture.get(acme.url() + "/api/2.1/clusters/list", EmulatorFixture.pat(acme)).status();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<Integer> f : futures) {
                statuses.add(f.get());
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }
}
