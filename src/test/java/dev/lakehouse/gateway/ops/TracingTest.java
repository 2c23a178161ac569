package dev.lakehouse.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import dev.lakehouse.gateway.GatewayApplication;
import dev.lakehouse.gateway.support.Ports;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Traces switched on, towards a small OTLP/HTTP receiver in this test (the JDK's HTTP server: what an OpenTelemetry
 * collector would receive, as protobuf): a tool call on the embedded workspace emulator produces spans of its routes
 * and steps carrying the tenant, tool and workspace as attributes, and none of the canary value the SQL returned.
 * (A real collector is not installable here; the receiver only records the bytes the gateway's exporter sends.)
 */
class TracingTest {

    private static final String CANARY = "CANARY-tr4c3-5e1f";

    @Test
    void aToolCallIsTracedStepByStepWithoutItsPayload() throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            synchronized (received) {
                received.write(body);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        int port = Ports.free();
        ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class).run(
                "--server.port=" + port, "--camel.main.jmx-enabled=false",
                "--spring.datasource.url=jdbc:h2:mem:tracing;DB_CLOSE_DELAY=-1",
                "--gateway.vault.master-keys.t=" + Base64.getEncoder().encodeToString(new byte[32]),
                "--camel.opentelemetry.enabled=true",
                "--gateway.tracing.otlp-endpoint=http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces",
                "--gateway.tracing.export-delay=200ms");
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp"))
                    .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                    .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call")
                    .header("Mcp-Name", "execute_sql").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                            + "\"params\":{\"name\":\"execute_sql\",\"arguments\":{\"statement\":\"SELECT '" + CANARY
                            + "' AS secret\"},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                            + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.body()).contains(CANARY);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String spans = "";
            while (!spans.contains("gateway.tenant") && System.nanoTime() < deadline) {
                Thread.sleep(200);
                synchronized (received) {
                    spans = received.toString(StandardCharsets.ISO_8859_1);
                }
            }
            // protobuf keeps strings as they are: span names, attribute keys and values appear in the bytes
            assertThat(spans).contains("mcp-tools-call").contains("databricks-call")
                    .contains("gateway.tenant").contains("demo").contains("gateway.tool").contains("execute_sql")
                    .contains("gateway.workspace").contains("databricks-mcp-gateway");
            assertThat(spans).doesNotContain(CANARY);
        } finally {
            gateway.close();
            collector.stop(0);
        }
    }
}
