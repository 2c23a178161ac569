package dev.lakehouse.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.gateway.GatewayApplication;
import dev.lakehouse.gateway.support.CuttableProxy;
import dev.lakehouse.gateway.support.LocalProcesses;
import dev.lakehouse.gateway.support.Ports;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The probes a load balancer reads, on a gateway started here with OAuth towards an issuer that is not there (a dead
 * Keycloak) and its database (the machine's PostgreSQL) behind a relay the test cuts: readiness says UP only once
 * /mcp serves; /actuator/health names the dead issuer and, once cut, the database, while liveness stays UP and
 * readiness too (the gateway still serves what it can); the database comes back without a restart.
 */
class HealthProbesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATABASE = "gw_health_probes";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    @Test
    void probesTellALoadBalancerTheTruth() throws Exception {
        LocalProcesses.recreatePostgresDatabase(DATABASE);
        int port = Ports.free();
        int deadIssuer = Ports.free();
        try (CuttableProxy database = new CuttableProxy("127.0.0.1", 5432)) {
            CompletableFuture<ConfigurableApplicationContext> starting = CompletableFuture.supplyAsync(() ->
                    new SpringApplicationBuilder(GatewayApplication.class).run("--server.port=" + port,
                            "--emulator.embedded=false", "--camel.main.jmx-enabled=false",
                            "--gateway.identity.issuers=http://127.0.0.1:" + deadIssuer + "/realms/gone",
                            "--gateway.identity.resource=http://127.0.0.1:" + port + "/mcp",
                            "--management.endpoint.health.show-details=always",
                            "--management.endpoint.health.show-components=always",
                            "--gateway.observability.issuer-check-every=0s",
                            "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + database.port() + "/" + DATABASE,
                            "--spring.datasource.username=postgres", "--spring.datasource.password=",
                            "--spring.datasource.hikari.connection-timeout=2000",
                            "--gateway.vault.master-keys.t=" + Base64.getEncoder().encodeToString(new byte[32])));
            try {
                // readiness UP means /mcp serves at once (here: 401, it wants a token), never a 503 or 404 after it
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                boolean ready = false;
                while (!ready && System.nanoTime() < deadline) {
                    ready = status(port, "/actuator/health/readiness") == 200;
                    if (!ready) {
                        Thread.sleep(50);
                    }
                }
                assertThat(ready).as("readiness UP within 120 s").isTrue();
                assertThat(mcpStatus(port)).as("/mcp the moment readiness is UP").isEqualTo(401);
                assertThat(status(port, "/actuator/health/liveness")).isEqualTo(200);

                // the dead issuer shows, and only makes the aggregate DOWN
                JsonNode health = health(port);
                assertThat(health.path("status").asText()).isEqualTo("DOWN");
                assertThat(health.path("components").path("identityProvider").path("status").asText()).isEqualTo("DOWN");
                assertThat(health.path("components").path("db").path("status").asText()).isEqualTo("UP");
                assertThat(health.path("components").path("mcp").path("status").asText()).isEqualTo("UP");

                // the database dies: named DOWN within the connection timeout; liveness and readiness stay UP
                database.cut();
                long asked = System.nanoTime();
                health = health(port);
                assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(10));
                assertThat(health.path("components").path("db").path("status").asText()).isEqualTo("DOWN");
                assertThat(status(port, "/actuator/health/liveness")).isEqualTo(200);
                assertThat(status(port, "/actuator/health/readiness")).isEqualTo(200);

                // and comes back without a restart
                database.restore();
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                String db = "DOWN";
                while (!db.equals("UP") && System.nanoTime() < until) {
                    db = health(port).path("components").path("db").path("status").asText();
                    Thread.sleep(200);
                }
                assertThat(db).isEqualTo("UP");
            } finally {
                starting.get(2, TimeUnit.MINUTES).close();
            }
        }
    }

    private int status(int port, String path) throws Exception {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.net.ConnectException e) {
            return -1;
        }
    }

    private int mcpStatus(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private JsonNode health(int port) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/health")).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}
