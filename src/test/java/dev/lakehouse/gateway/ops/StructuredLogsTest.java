package dev.lakehouse.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.gateway.support.LocalProcesses;
import dev.lakehouse.gateway.support.Ports;
import org.junit.jupiter.api.Test;

/**
 * {@code GATEWAY_LOG_FORMAT=ecs}: every console line of a gateway process is one JSON object (Spring Boot's
 * structured logging), and a tool call's audit line carries the request id the client sent as a field of its own.
 * A process of its own: the logging system is global to a JVM, and the other tests' cached contexts share this one.
 */
class StructuredLogsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theLogIsOneJsonObjectPerLineWithTheRequestIdAsAField() throws Exception {
        int port = Ports.free();
        Path output = Path.of("target", "structured-logs");
        try (LocalProcesses processes = new LocalProcesses(output)) {
            List<String> command = LocalProcesses.javaOnMainClasspath("-Xmx256m", "-XX:+UseSerialGC");
            command.addAll(List.of("dev.lakehouse.gateway.GatewayApplication", "--server.port=" + port));
            ProcessBuilder gateway = new ProcessBuilder(command);
            gateway.environment().put("GATEWAY_LOG_FORMAT", "ecs");
            gateway.environment().put("GATEWAY_DATA_DIR", output.resolve("data").toAbsolutePath().toString());
            processes.start(gateway, "gateway");
            processes.awaitHealthy(port);

            String requestId = "soak-structured-0001";
            String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"list_catalogs\","
                    + "\"arguments\":{},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                    + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/mcp")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                    .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call")
                    .header("Mcp-Name", "list_catalogs").header("X-Request-Id", requestId)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.headers().firstValue("X-Request-Id")).contains(requestId);

            JsonNode auditLine = null;
            List<String> notJson = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (auditLine == null && System.nanoTime() < deadline) {
                notJson.clear();
                for (String line : Files.readAllLines(processes.log("gateway"))) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        JsonNode event = JSON.readTree(line);
                        if ("gateway.audit".equals(event.path("log").path("logger").asText())
                                && requestId.equals(event.path("request_id").asText())) {
                            auditLine = event;
                        }
                    } catch (java.io.IOException e) {
                        notJson.add(line);
                    }
                }
                Thread.sleep(200);
            }
            assertThat(notJson).as("console lines that are not one JSON object").isEmpty();
            assertThat(auditLine).as("the call's audit line with its request id as a field").isNotNull();
            assertThat(auditLine.path("@timestamp").asText()).isNotBlank();
            assertThat(auditLine.path("log").path("level").asText()).isEqualTo("INFO");
            assertThat(JSON.readTree(auditLine.path("message").asText()).path("action").asText()).isEqualTo("list_catalogs");
        }
    }
}
