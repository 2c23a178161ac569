package dev.lakehouse.gateway.vault;

import static dev.lakehouse.gateway.vault.VaultTesting.admin;
import static dev.lakehouse.gateway.vault.VaultTesting.assertRefused;
import static dev.lakehouse.gateway.vault.VaultTesting.json;
import static dev.lakehouse.gateway.vault.VaultTesting.map;
import static dev.lakehouse.gateway.vault.VaultTesting.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.GatewayApplication;
import dev.lakehouse.gateway.databricks.EmulatorAdmin;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * A GCP workspace connected with a Google service account key (google-credentials), end to end: the emulator's
 * workspace globex plays a Databricks on Google Cloud workspace (its cloud profile, the test profile's host override of
 * {@code 1111111111111111.1.gcp.databricks.com}) and its Google-like token service issues the ID and access tokens.
 * Connect → tool call → refresh ahead → key rotation → the key deleted at Google → app_misconfigured to the agent.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"conformance", "test"})
// a database of its own, shared with AzureConnectionTest (one cached context for both): the background refresher of another
// cached test context (with an emulator and cloud directories of its own) must not refresh these grants there
@TestPropertySource(properties = "spring.datasource.url=jdbc:h2:mem:vault-clouds;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
        + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH")
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoogleConnectionTest {

    private static final String TENANT = "demo";
    private static final String HOST = "https://1111111111111111.1.gcp.databricks.com";
    private static final String NAME = "gcp-sa";

    @LocalServerPort
    int port;
    @Autowired
    Environment environment;

    private EmulatorAdmin emulator;
    private McpSyncClient agent;

    @BeforeAll
    void gcpWorkspace() {
        emulator = EmulatorAdmin.at(environment.getProperty("emulator.url.globex").replaceAll("/+$", ""));
        emulator.call("PUT", "/cloud", map("cloud", "gcp", "host", HOST));
        agent = McpTestClients.plain(port, null);
    }

    @AfterAll
    void awsAgain() {
        emulator.call("DELETE", "/cloud", null);
        agent.closeGracefully();
    }

    @AfterEach
    void disconnect(CapturedOutput output) {
        admin(port, "DELETE", "/tenants/" + TENANT + "/connections/" + NAME, null, null);
        assertThat(output.getAll()).as("no Google token or key in the logs").doesNotContain("eyJ")
                .doesNotContain("ya29.").doesNotContain("PRIVATE KEY");
    }

    @Test
    void aServiceAccountConnectsRefreshesRotatesItsKeyAndIsToldWhenTheKeyIsDeleted() {
        JsonNode key = emulator.call("POST", "/google/service-accounts", map("workspace_user", true));
        String email = key.path("client_email").asText();

        // bad input first: nothing is stored, each refusal names the fix
        assertRefused(create(HOST, "not json"), 400, "service-account key JSON");
        JsonNode userKey = key.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) userKey).put("type", "authorized_user");
        assertRefused(create(HOST, userKey), 400, "type service_account");
        assertRefused(create(environment.getProperty("emulator.url.globex"), key), 400,
                "needs a Databricks on Google Cloud workspace host");
        JsonNode stranger = emulator.call("POST", "/google/service-accounts", map("workspace_user", false));
        assertRefused(create(HOST, stranger), 400, "not a user of this workspace");
        assertThat(admin(port, "GET", "/tenants/" + TENANT + "/connections/" + NAME, null, null).statusCode()).isEqualTo(404);

        // the key's JSON as text works as well as the object
        HttpResponse<String> created = create(HOST, key.toString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain("PRIVATE KEY").doesNotContain(key.path("private_key_id").asText());
        JsonNode view = json(created.body());
        assertThat(view.path("cloud").asText()).isEqualTo("gcp");
        assertThat(view.path("account_host").asText()).isEqualTo("accounts.gcp.databricks.com");
        assertThat(view.path("google_service_account").asText()).isEqualTo(email);
        assertThat(view.path("principal").asText()).isEqualTo(email);
        assertThat(view.path("status").asText()).isEqualTo("active");

        assertThat(ok().toString()).contains("main");
        // the test profile's tokens live 4 s: seven seconds of calls need refreshes, made ahead, none refused
        long before = googleRequests();
        long end = System.currentTimeMillis() + 7_000;
        while (System.currentTimeMillis() < end) {
            ok();
            sleep(500);
        }
        assertThat(googleRequests()).as("Google tokens were refreshed").isGreaterThan(before);

        // rotation: a key of another account is refused; a new key of the same account replaces the old one
        assertRefused(admin(port, "PUT", "/tenants/" + TENANT + "/connections/" + NAME + "/secret",
                map("google_credentials", stranger), null), 400, "create a new connection");
        JsonNode newKey = emulator.call("POST", "/google/service-accounts/" + email + "/keys", map());
        HttpResponse<String> rotated = admin(port, "PUT", "/tenants/" + TENANT + "/connections/" + NAME + "/secret",
                map("google_credentials", newKey), null);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        emulator.call("DELETE", "/google/service-accounts/" + email + "/keys/" + key.path("private_key_id").asText(), null);
        ok();

        // the current key is deleted at Google: its tokens stop working and no new one is issued
        emulator.call("DELETE", "/google/service-accounts/" + email + "/keys/" + newKey.path("private_key_id").asText(), null);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            McpSchema.CallToolResult result = McpTestClients.call(agent, "list_catalogs", Map.of("workspace", NAME));
            assertThat(result.isError()).isTrue();
            assertThat(McpTestClients.text(result)).doesNotContain("Exception");
            assertThat(admin(port, "GET", "/tenants/" + TENANT + "/connections/" + NAME, null, null).body())
                    .contains("app_misconfigured").contains("upload a current key");
        });
    }

    private HttpResponse<String> create(String host, Object key) {
        return admin(port, "POST", "/tenants/" + TENANT + "/connections", map("name", NAME, "host", host,
                "auth", "google-credentials", "google_credentials", key), null);
    }

    private JsonNode ok() {
        McpSchema.CallToolResult result = McpTestClients.call(agent, "list_catalogs", Map.of("workspace", NAME));
        assertThat(result.isError()).as(McpTestClients.text(result)).isFalse();
        return json(McpTestClients.text(result));
    }

    private long googleRequests() {
        return emulator.requests().path("cloud_token_requests").path("google").asLong();
    }
}
