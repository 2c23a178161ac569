package dev.lakehouse.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.lakehouse.gateway.GatewayApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * While the gateway starts, a client hammering /mcp sees only refused connections, 503 with Retry-After (starting),
 * and then answers of the started routes — never a 404 or 500 from the window in which Tomcat listens but Camel has
 * not registered /mcp yet.
 */
class StartupReadinessTest {

    @Test
    void noMcpRequestFailsWhileTheGatewayStarts() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        HttpRequest initialize = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":"
                        + "\"probe\",\"version\":\"1\"}}}")).build();
        CompletableFuture<ConfigurableApplicationContext> starting = CompletableFuture.supplyAsync(() ->
                new SpringApplicationBuilder(GatewayApplication.class).run("--server.port=" + port,
                        "--emulator.embedded=false", "--camel.main.jmx-enabled=false",
                        "--spring.datasource.url=jdbc:h2:mem:startup-readiness;DB_CLOSE_DELAY=-1",
                        "--gateway.vault.master-keys.t=" + java.util.Base64.getEncoder().encodeToString(new byte[32])));
        List<Integer> statuses = new ArrayList<>();
        boolean sawRetryAfter = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try {
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> response = http.send(initialize, HttpResponse.BodyHandlers.ofString());
                    statuses.add(response.statusCode());
                    if (response.statusCode() == 503) {
                        sawRetryAfter &= response.headers().firstValue("Retry-After").isPresent();
                    }
                    if (response.statusCode() == 200) {
                        break;
                    }
                } catch (ConnectException | java.net.http.HttpConnectTimeoutException notListening) {
                    // the port is not open yet
                }
                Thread.sleep(5);
            }
        } finally {
            starting.get(120, TimeUnit.SECONDS).close();
        }
        assertThat(statuses).as("answers while starting").isNotEmpty().last().isEqualTo(200);
        assertThat(statuses).as("every answer before ready").allMatch(s -> s == 503 || s == 200);
        assertThat(sawRetryAfter).as("each 503 says when to come back").isTrue();
    }
}
