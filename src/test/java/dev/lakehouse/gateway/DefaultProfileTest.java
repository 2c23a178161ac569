package dev.lakehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.tools.ToolCatalog;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ApplicationContext;

/**
 * The gateway as the quick start runs it: no profile (the embedded emulator on free ports instead of 8181/8182).
 * Loopback only, the emulator up as a separate HTTP server, and no conformance fixture anywhere.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"emulator.workspaces.acme.port=0", "emulator.workspaces.globex.port=0",
                // the default run keeps its database in ./data; this test keeps it in memory
                "spring.datasource.url=jdbc:h2:mem:default-profile-test;DB_CLOSE_DELAY=-1"})
class DefaultProfileTest {

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    ToolCatalog catalog;

    @Test
    void bindsToLoopbackByDefault() throws Exception {
        TomcatWebServer server = (TomcatWebServer) ((ServletWebServerApplicationContext) context).getWebServer();
        Connector connector = server.getTomcat().getService().findConnectors()[0];
        Object address = connector.getProperty("address");
        assertThat(address).isNotNull();
        InetAddress bound = address instanceof InetAddress a ? a : InetAddress.getByName(address.toString());
        assertThat(bound.isLoopbackAddress()).as("bound to %s", bound).isTrue();
    }

    @Test
    void theEmbeddedEmulatorAnswersOnItsOwnPortOverHttp() throws Exception {
        String acme = context.getEnvironment().getProperty("emulator.url.acme");
        assertThat(acme).startsWith("http://127.0.0.1:").isNotEqualTo("http://127.0.0.1:" + port);
        HttpResponse<String> config = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(acme + "/.well-known/databricks-config")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(config.body()).path("oidc_endpoint").asText()).isEqualTo(acme + "/oidc");
    }

    @Test
    void conformanceFixturesNeverLoadOutsideTheirProfile() throws Exception {
        assertThat(context.containsBean("conformanceFixtures")).isFalse();
        assertThat(catalog.all().values()).noneMatch(t -> t.group().equals("conformance") || t.name().startsWith("test_"));
        assertThat(catalog.all()).containsKey("gateway_info");

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> init = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                        "capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode capabilities = new ObjectMapper().readTree(init.body()).path("result").path("capabilities");
        // no declared prompts or resources by default: those capabilities are not offered
        assertThat(capabilities.has("tools")).isTrue();
        assertThat(capabilities.has("prompts")).isFalse();
        assertThat(capabilities.has("resources")).isFalse();
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> prompts = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Mcp-Session-Id", session)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"prompts/list\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(new ObjectMapper().readTree(prompts.body()).path("error").path("code").asInt()).isEqualTo(-32601);
    }
}
