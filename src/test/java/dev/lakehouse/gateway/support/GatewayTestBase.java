package dev.lakehouse.gateway.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.GatewayApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

/**
 * One running gateway (conformance fixtures + test tools) on a random loopback port, shared by the test classes
 * that extend this base (Spring caches the context), and a raw HTTP client for /mcp.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"conformance", "test"})
@Import(CancellationProbe.class)
public abstract class GatewayTestBase {

    protected static final ObjectMapper JSON = new ObjectMapper();
    protected static final String ACCEPT_BOTH = "application/json, text/event-stream";
    protected static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    protected int port;

    protected URI mcpUri() {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    protected HttpRequest.Builder post(String body) {
        return HttpRequest.newBuilder(mcpUri()).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", ACCEPT_BOTH)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    protected HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Initializes a session over raw HTTP and returns its id. */
    protected String initialize() throws Exception {
        HttpResponse<String> response = send(post("""
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{},"clientInfo":{"name":"raw-http-test","version":"1"}}}""").build());
        if (response.statusCode() != 200) {
            throw new AssertionError("initialize failed: " + response.statusCode() + " " + response.body());
        }
        String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        send(post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .header("Mcp-Session-Id", session).build());
        return session;
    }

    /** A POST within a session with the negotiated protocol version header. */
    protected HttpRequest.Builder inSession(String session, String body) {
        return post(body).header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
    }

    protected static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }

    protected static String request(int id, String method, Map<String, Object> params) throws Exception {
        return JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", id, "method", method, "params", params));
    }
}
