package dev.lakehouse.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.lakehouse.gateway.support.Ports;
import dev.lakehouse.gateway.support.GatewayTestBase;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Redis stopped and started again under a running gateway: a Redis of the test's own (Debian's redis-server on a free
 * loopback port; the machine's shared one must not be stopped), so the outage is real. While it is away, sessions,
 * new sessions and tool calls go on (the documented fail-open defaults: sessions this replica holds need nothing,
 * buckets fall back to the replica's own) and no call waits on it; when it is back, the shared state is written
 * there again without a restart.
 */
class RedisOutageTest extends GatewayTestBase {

    private static final int REDIS_PORT = Ports.free();
    private static Process redis;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) throws Exception {
        startRedis();
        registry.add("gateway.cluster.redis-url", () -> "redis://127.0.0.1:" + REDIS_PORT);
        registry.add("gateway.cluster.replica-id", () -> "outage-test");
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void callsGoOnWhileRedisIsAwayAndSharedStateReturnsWithIt() throws Exception {
        String session = initialize();
        assertThat(call(session, 2).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> keys("gw:session:*") >= 1 && keys("gw:bucket:*") >= 1);

        redis.destroy();
        assertThat(redis.waitFor(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 5; i++) {
            long started = System.nanoTime();
            HttpResponse<String> during = call(session, 10 + i);
            assertThat(during.statusCode()).as(during.body()).isEqualTo(200);
            assertThat(during.body()).contains("\"catalogs").doesNotContain("isError\":true");
            // a call pays at most one command timeout (gateway.cluster.redis-timeout, 500 ms) and usually none
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        }
        String during = initialize();
        assertThat(call(during, 2).statusCode()).as("a session begun while Redis is away").isEqualTo(200);

        startRedis();
        // the bus and the buckets reconnect by themselves: new shared state lands in the new (empty) Redis
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            initialize();
            call(session, 30);
            return keys("gw:session:*") >= 1 && keys("gw:bucket:*") >= 1;
        });
        assertThat(call(session, 31).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> call(String session, int id) throws Exception {
        return send(inSession(session, request(id, "tools/call", Map.of("name", "list_catalogs", "arguments", Map.of())))
                .build());
    }

    private static long keys(String pattern) {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + REDIS_PORT);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().keys(pattern).size();
        } catch (RuntimeException e) {
            return 0;
        } finally {
            client.shutdown();
        }
    }

    private static void startRedis() throws IOException, InterruptedException {
        Path dir = Files.createDirectories(Path.of("target", "redis-outage"));
        redis = new ProcessBuilder(List.of("redis-server", "--port", String.valueOf(REDIS_PORT), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toAbsolutePath().toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", REDIS_PORT)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("redis-server did not start on " + REDIS_PORT);
    }

}
