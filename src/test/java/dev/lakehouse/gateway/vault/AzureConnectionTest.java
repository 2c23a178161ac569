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
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * An Azure workspace connected with a Microsoft Entra ID service principal (azure-client-secret), end to end: the
 * emulator's workspace acme plays an Azure workspace (its cloud profile, the test profile's host override of
 * {@code adb-1111111111111111.11.azuredatabricks.net}) and its Entra-like service issues the tokens. Connect (tenant
 * discovered from /aad/auth) → tool call → refresh ahead → the app deleted in Entra → app_misconfigured to the agent;
 * a Contributor service principal that is not a workspace user is added through the management-token headers.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"conformance", "test"})
// a database of its own, shared with GoogleConnectionTest (one cached context for both): the background refresher of another
// cached test context (with an emulator and cloud directories of its own) must not refresh these grants there
@TestPropertySource(properties = "spring.datasource.url=jdbc:h2:mem:vault-clouds;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
        + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH")
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureConnectionTest {

    private static final String TENANT = "demo";
    private static final String HOST = "https://adb-1111111111111111.11.azuredatabricks.net";
    private static final String ENTRA_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String RESOURCE_ID = "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg"
            + "/providers/Microsoft.Databricks/workspaces/acme";

    @LocalServerPort
    int port;
    @Autowired
    Environment environment;

    private EmulatorAdmin emulator;
    private McpSyncClient agent;

    @BeforeAll
    void azureWorkspace() {
        emulator = EmulatorAdmin.at(environment.getProperty("emulator.url.acme").replaceAll("/+$", ""));
        emulator.call("PUT", "/cloud", map("cloud", "azure", "host", HOST, "azure_tenant_id", ENTRA_TENANT,
                "azure_resource_id", RESOURCE_ID));
        agent = McpTestClients.plain(port, null);
    }

    @AfterAll
    void awsAgain() {
        emulator.call("DELETE", "/cloud", null);
        agent.closeGracefully();
    }

    @AfterEach
    void disconnectAll(CapturedOutput output) {
        for (String name : new String[] {"azure-sp", "azure-contributor"}) {
            admin(port, "DELETE", "/tenants/" + TENANT + "/connections/" + name, null, null);
        }
        assertThat(output.getAll()).as("no Entra token in the logs").doesNotContain("eyJ");
    }

    @Test
    void aServicePrincipalConnectsRefreshesAndIsToldWhenItsAppIsDeleted() {
        JsonNode app = emulator.call("POST", "/entra/apps", map("tenant_id", ENTRA_TENANT, "workspace_user", true));
        String clientId = app.path("client_id").asText();
        String secret = app.path("client_secret").asText();

        // bad input first: nothing is stored, each refusal names the fix
        assertRefused(create("azure-sp", clientId, "not-the-secret", null, null), 400, "secret's value");
        assertRefused(create("azure-sp", clientId, secret, "00000000-0000-0000-0000-000000000000", null), 400,
                "knows no tenant");
        assertRefused(create("azure-sp", clientId, secret, "not-a-guid", null), 400, "GUID");
        assertRefused(admin(port, "POST", "/tenants/" + TENANT + "/connections", map("name", "azure-sp", "host",
                environment.getProperty("emulator.url.acme"), "auth", "azure-client-secret", "client_id", clientId,
                "client_secret", secret), null), 400, "needs an Azure Databricks workspace host");
        assertThat(admin(port, "GET", "/tenants/" + TENANT + "/connections/azure-sp", null, null).statusCode()).isEqualTo(404);

        HttpResponse<String> created = create("azure-sp", clientId, secret, null, null);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(secret);
        JsonNode view = json(created.body());
        assertThat(view.path("cloud").asText()).isEqualTo("azure");
        assertThat(view.path("azure_tenant_id").asText()).as("found from /aad/auth").isEqualTo(ENTRA_TENANT);
        assertThat(view.path("status").asText()).isEqualTo("active");
        assertThat(view.path("principal").asText()).isEqualTo(clientId);

        assertThat(ok("list_catalogs").toString()).contains("main");
        // the test profile's tokens live 4 s: seven seconds of calls need refreshes, made ahead, none refused
        long before = entraRequests();
        long end = System.currentTimeMillis() + 7_000;
        while (System.currentTimeMillis() < end) {
            ok("list_catalogs");
            sleep(500);
        }
        assertThat(entraRequests()).as("Entra tokens were refreshed").isGreaterThan(before);

        // the app is deleted in Entra: its tokens stop working and no new one is issued
        emulator.call("DELETE", "/entra/apps/" + clientId, null);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            McpSchema.CallToolResult result = McpTestClients.call(agent, "list_catalogs", Map.of("workspace", "azure-sp"));
            assertThat(result.isError()).isTrue();
            assertThat(McpTestClients.text(result)).doesNotContain("Exception");
            assertThat(admin(port, "GET", "/tenants/" + TENANT + "/connections/azure-sp", null, null).body())
                    .contains("app_misconfigured").contains("no application");
        });
    }

    @Test
    void aContributorThatIsNotAWorkspaceUserIsAddedThroughTheManagementHeaders() {
        JsonNode app = emulator.call("POST", "/entra/apps", map("tenant_id", ENTRA_TENANT, "workspace_user", false,
                "contributor", true));
        String clientId = app.path("client_id").asText();
        String secret = app.path("client_secret").asText();
        // without the workspace's resource id the service principal cannot be added: refused, nothing stored
        HttpResponse<String> refused = create("azure-contributor", clientId, secret, ENTRA_TENANT, null);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertRefused(create("azure-contributor", clientId, secret, ENTRA_TENANT, "/not/a/resource/id"), 400,
                "Azure resource id");

        HttpResponse<String> created = create("azure-contributor", clientId, secret, ENTRA_TENANT, RESOURCE_ID);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(created.body()).path("azure_workspace_resource_id").asText()).isEqualTo(RESOURCE_ID);
        McpSchema.CallToolResult result = McpTestClients.call(agent, "list_catalogs", Map.of("workspace", "azure-contributor"));
        assertThat(result.isError()).as(McpTestClients.text(result)).isFalse();

        // the secret is rotated in Entra: the old one is refused at rotation in the gateway, the new one validated
        String rotated = emulator.call("POST", "/entra/apps/" + clientId + "/rotate-secret", map()).path("client_secret").asText();
        assertRefused(admin(port, "PUT", "/tenants/" + TENANT + "/connections/azure-contributor/secret",
                map("client_secret", secret), null), 400, "secret's value");
        HttpResponse<String> replaced = admin(port, "PUT", "/tenants/" + TENANT + "/connections/azure-contributor/secret",
                map("client_secret", rotated), null);
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        assertThat(json(replaced.body()).path("status").asText()).isEqualTo("active");
        result = McpTestClients.call(agent, "list_catalogs", Map.of("workspace", "azure-contributor"));
        assertThat(result.isError()).as(McpTestClients.text(result)).isFalse();
    }

    private HttpResponse<String> create(String name, String clientId, String secret, String tenant, String resourceId) {
        Map<String, Object> body = map("name", name, "host", HOST, "auth", "azure-client-secret", "client_id", clientId,
                "client_secret", secret);
        if (tenant != null) {
            body.put("azure_tenant_id", tenant);
        }
        if (resourceId != null) {
            body.put("azure_workspace_resource_id", resourceId);
        }
        return admin(port, "POST", "/tenants/" + TENANT + "/connections", body, null);
    }

    private JsonNode ok(String tool) {
        McpSchema.CallToolResult result = McpTestClients.call(agent, tool, Map.of("workspace", "azure-sp"));
        assertThat(result.isError()).as(McpTestClients.text(result)).isFalse();
        return json(McpTestClients.text(result));
    }

    private long entraRequests() {
        return emulator.requests().path("cloud_token_requests").path("entra").asLong();
    }
}
