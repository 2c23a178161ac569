package dev.lakehouse.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lakehouse.gateway.support.Ports;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.identity.keycloak.KeycloakTestServer;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Waiting never holds a thread: 500 concurrent tool calls on one throttled key (50 requests/s, so most of them wait
 * seconds for their turn) against the gateway started as its own process on a JDK 21+ (found on this machine, as for
 * Keycloak), where requests run on virtual threads and the upstream guard waits on a timer. The platform threads of
 * that JVM (jvm.threads.live counts platform threads only) stay within a bound that does not grow with the calls, and
 * every call completes.
 */
class WaitingHoldsNoThreadTest {

    static final int CALLS = 500;
    /** Platform threads the storm may add to the idle gateway: far fewer than the 500 calls waiting. */
    static final int EXTRA_THREADS_BOUND = 15;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void fiveHundredWaitingCallsKeepThePlatformThreadsBounded() throws Exception {
        Path jdk = KeycloakTestServer.findJdk();
        int port = Ports.free();
        Path log = Files.createTempFile("gateway-threads", ".log");
        Process gateway = new ProcessBuilder(jdk.resolve("bin/java").toString(), "-Xmx1g",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.lakehouse.gateway.GatewayApplication", "--server.port=" + port,
                "--emulator.workspaces.acme.port=0", "--emulator.workspaces.globex.port=0",
                "--emulator.data.tpch-scale-factor=0.001", "--emulator.data.nyctaxi-trips=100",
                // the emulator shares this JVM: its fixed pool of platform threads is kept small, so it does not
                // blur the gateway's count
                "--emulator.http-threads=4",
                "--spring.datasource.url=jdbc:h2:mem:threads",
                "--gateway.tenants.demo.connections.acme.rate-limits.unity-catalog.rate=50",
                "--gateway.ratelimit.max-queue-wait=60s",
                "--gateway.quota.agent.rate=10000", "--gateway.quota.agent.burst=10000",
                "--gateway.quota.tenant.rate=10000", "--gateway.quota.tenant.burst=10000",
                "--logging.level.root=WARN")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitReady(port, gateway, log);
            McpAsyncClient client = McpClient.async(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                    .endpoint("/mcp").build()).requestTimeout(Duration.ofSeconds(90)).build();
            client.initialize().block(Duration.ofSeconds(30));
            McpSchema.CallToolRequest listTables = McpSchema.CallToolRequest.builder("list_tables")
                    .arguments(Map.of("catalog", "samples", "schema", "tpch")).build();
            client.callTool(listTables).block(Duration.ofSeconds(30));   // warm: token, routes, key
            int idle = platformThreads(port);

            AtomicBoolean storming = new AtomicBoolean(true);
            AtomicInteger highest = new AtomicInteger(idle);
            Thread sampler = new Thread(() -> {
                while (storming.get()) {
                    try {
                        highest.accumulateAndGet(platformThreads(port), Math::max);
                        Thread.sleep(200);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            sampler.start();
            List<McpSchema.CallToolResult> results = Flux.range(0, CALLS)
                    .flatMap(i -> client.callTool(listTables).onErrorResume(e -> Mono.just(McpSchema.CallToolResult.builder()
                            .addTextContent(e.toString()).isError(true).build())), CALLS)
                    .collectList().block(Duration.ofSeconds(120));
            storming.set(false);
            sampler.join();
            client.closeGracefully().block(Duration.ofSeconds(10));

            assertThat(results).hasSize(CALLS);
            assertThat(results).allSatisfy(r -> assertThat(r.isError()).as(r.content().toString()).isNotEqualTo(Boolean.TRUE));
            System.out.printf("Waiting holds no thread: %d calls on one key at 50/s on %s; platform threads idle %d, "
                    + "highest during the storm %d%n", CALLS, jdk.getFileName(), idle, highest.get());
            assertThat(highest.get() - idle).as("platform threads added while %d calls waited", CALLS)
                    .isLessThanOrEqualTo(EXTRA_THREADS_BOUND);
        } finally {
            gateway.destroy();
            if (!gateway.waitFor(20, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
    }

    static int platformThreads(int port) throws Exception {
        HttpResponse<String> metric = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/metrics/jvm.threads.live")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(metric.body()).path("measurements").get(0).path("value").asInt();
    }

    static void awaitReady(int port, Process gateway, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!gateway.isAlive()) {
                throw new IllegalStateException("the gateway stopped: " + Files.readString(log));
            }
            try {
                HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/actuator/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200 && health.body().contains("UP")) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the gateway did not start in 120 s: " + Files.readString(log));
    }

}
