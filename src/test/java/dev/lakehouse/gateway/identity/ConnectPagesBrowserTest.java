package dev.lakehouse.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.databricks.EmulatorAdmin;
import dev.lakehouse.gateway.identity.keycloak.UserLogin;
import dev.lakehouse.gateway.support.Browser;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/**
 * The whole connect story in headless Chromium against the real Keycloak and the emulator's workspace: alice signs in
 * to the gateway's connect page, connects her own Databricks account (consent at the workspace), and an agent acting
 * for her queries with her grant. The grant breaks; the agent's call gets -32042 with a link; bob opening alice's link
 * is refused; alice opens it, reconnects, the agent is told (notifications/elicitation/complete) and its retry works.
 * A denied consent stores nothing. Screenshots land in target/screenshots/.
 */
class ConnectPagesBrowserTest extends OAuthModeTestBase {

    @Autowired
    Environment environment;

    @BeforeAll
    static void needsChromium() {
        Browser.assumeAvailable();
    }

    @Test
    void aPersonConnectsTheirWorkspaceAndRepairsABrokenGrantFromTheAgentsConversation() throws Exception {
        String workspace = environment.getProperty("emulator.url.acme").replaceAll("/+$", "");
        String gateway = "http://localhost:" + port;
        EmulatorAdmin emulator = EmulatorAdmin.at(workspace);
        JsonNode app = emulator.call("POST", "/oauth-apps", Map.of("redirect_uris", List.of(gateway + "/connect/callback")));
        HttpResponse<String> created = admin("POST", "/tenants/acme/connections", Map.of("name", "lakehouse",
                "host", workspace, "auth", "oauth-u2m", "grant", "per-user", "client_id", app.path("client_id").asText(),
                "client_secret", app.path("client_secret").asText()));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        try (Browser alice = new Browser()) {
            alice.open(gateway + "/connect");
            signInToKeycloak(alice, "alice", "alice-password");
            alice.waitForUrl(gateway + "/connect").getClass();
            alice.waitForText("Tenant acme").waitForText("lakehouse");
            assertThat(alice.text()).contains("pending", "Signed in as alice");
            // what the connection gives agents, group by group (the later groups read by default)
            assertThat(alice.text()).contains("Tools for agents", "catalog read", "genie read", "vector_search read",
                    "files read");
            alice.screenshot(Path.of("connect-home.png"));

            alice.click("#start-lakehouse");
            consentAtWorkspace(alice, workspace, "allow");
            alice.waitForText("Connected");
            assertThat(alice.text()).contains("alice@acme.example");
            alice.screenshot(Path.of("connect-success.png"));

            // the agent acting for alice queries with alice's own grant
            List<McpSchema.ElicitationCompleteNotification> completed = new CopyOnWriteArrayList<>();
            String aliceToken = UserLogin.login(KEYCLOAK, "alice", "alice-password", "mcp-gateway", "organization",
                    "catalog").accessToken();
            McpSyncClient agent = agent(aliceToken, completed);
            // the test profile ends sessions idle for 6 s; a person's sign-in takes longer, so the agent keeps talking
            java.util.concurrent.ScheduledExecutorService keepAlive = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            keepAlive.scheduleWithFixedDelay(() -> {
                try {
                    agent.ping();
                } catch (RuntimeException ignored) {
                    // a failed ping shows up as the test's own failure
                }
            }, 1, 2, java.util.concurrent.TimeUnit.SECONDS);
            try {
                McpSchema.CallToolResult ok = McpTestClients.call(agent, "list_catalogs", Map.of("workspace", "lakehouse"));
                assertThat(ok.isError()).as(McpTestClients.text(ok)).isFalse();

                // the grant breaks: the next call leads the human back
                emulator.call("POST", "/grants/revoke", Map.of("user_name", "alice@acme.example"));
                McpError error = callExpectingError(agent);
                assertThat(error.getJsonRpcError().code()).isEqualTo(-32042);
                String url = ((Map<?, ?>) ((List<?>) ((Map<?, ?>) error.getJsonRpcError().data()).get("elicitations"))
                        .get(0)).get("url").toString();
                assertThat(url).startsWith(gateway + "/connect/e/");

                try (Browser bob = new Browser()) {
                    bob.open(url);
                    signInToKeycloak(bob, "bob", "bob-password");
                    bob.waitForText("another person");
                    assertThat(bob.driver().findElements(By.cssSelector("form button"))).isEmpty();
                    bob.screenshot(Path.of("connect-foreign-link.png"));
                }

                alice.open(url);
                alice.waitForText("Your agent needs you to sign in");
                alice.click("#start-lakehouse");
                consentAtWorkspace(alice, workspace, "allow");
                alice.waitForText("Connected");
                await().atMost(Duration.ofSeconds(10)).until(() -> !completed.isEmpty());
                McpSchema.CallToolResult retried = McpTestClients.call(agent, "list_catalogs", Map.of("workspace", "lakehouse"));
                assertThat(retried.isError()).as(McpTestClients.text(retried)).isFalse();
            } finally {
                keepAlive.shutdownNow();
                agent.closeGracefully();
            }

            // a denied consent changes nothing: the grant stays active
            alice.open(gateway + "/connect");
            alice.click("#start-lakehouse");
            consentAtWorkspace(alice, workspace, "deny");
            alice.waitForText("Access not allowed");
            alice.screenshot(Path.of("connect-denied.png"));
            alice.open(gateway + "/connect");
            assertThat(alice.text()).contains("active");
        } finally {
            admin("DELETE", "/tenants/acme/connections/lakehouse", null);
        }
    }

    @Test
    void aTenantAdminAddsWorkspacesOfEachKindFromTheForms() throws Exception {
        String workspace = environment.getProperty("emulator.url.acme").replaceAll("/+$", "");
        String gateway = "http://localhost:" + port;
        try (Browser dana = new Browser()) {
            dana.open(gateway + "/connect");
            signInToKeycloak(dana, "dana", "dana-password");
            dana.waitForUrl(gateway + "/connect").getClass();
            dana.waitForText("Add a workspace");
            assertThat(dana.text()).contains("Add Azure service principal", "Add Google service account",
                    "Add with token federation");

            // a Google key for a workspace that is not on Google Cloud: refused with the reason, nothing stored
            dana.fill("#gcp-name", "dana-gcp").fill("#gcp-host", workspace).fill("#gcp-key", "{\"type\":\"service_account\"}");
            dana.submit("form[aria-label='Add a Google service account']");
            dana.waitForText("Not added");
            assertThat(dana.text()).contains("needs a Databricks on Google Cloud workspace host");

            // token federation: no secret to paste; the connection lists its cloud and serves each user
            dana.open(gateway + "/connect");
            dana.fill("#fed-name", "dana-fed").fill("#fed-host", workspace);
            dana.submit("form[aria-label='Add with token federation']");
            dana.waitForText("Connection added");
            assertThat(dana.text()).contains("oauth-federation");
            dana.open(gateway + "/connect");
            dana.waitForText("dana-fed");
            assertThat(dana.text()).contains("oauth-federation (each user)", "aws");
            assertThat(dana.driver().findElements(By.cssSelector("span.cloud"))).isNotEmpty();
            dana.screenshot(Path.of("connect-add-forms.png"));
        } finally {
            admin("DELETE", "/tenants/acme/connections/dana-fed", null);
            admin("DELETE", "/tenants/acme/connections/dana-gcp", null);
        }
    }

    /** Keycloak's login page (username and password on one page, or identity-first on two). */
    private static void signInToKeycloak(Browser browser, String user, String password) {
        browser.waitForUrl(url -> url.contains("/realms/mcp-gateway/"), Browser.TIMEOUT);
        browser.fill("username", user);
        if (browser.driver().findElements(By.name("password")).stream().noneMatch(e -> e.isDisplayed())) {
            browser.click("#kc-login");
        }
        browser.fill("password", password);
        browser.click("#kc-login");
    }

    /** The emulator's login-and-consent page: sign in as the workspace's user and decide. */
    private static void consentAtWorkspace(Browser browser, String workspace, String decision) {
        browser.waitForUrl(workspace + "/oidc/v1/authorize");
        browser.fill("username", "alice@acme.example");
        browser.fill("password", "acme-password");
        browser.click("button[value=" + decision + "]");
    }

    private McpSyncClient agent(String bearer, List<McpSchema.ElicitationCompleteNotification> completed) {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                        .endpoint("/mcp")
                        .httpRequestCustomizer((builder, method, uri, body, context) ->
                                builder.header("Authorization", "Bearer " + bearer))
                        .build())
                .requestTimeout(Duration.ofSeconds(60))
                .capabilities(McpSchema.ClientCapabilities.builder().elicitation(false, true).build())
                .urlElicitation(request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, null))
                .elicitationCompleteConsumer(completed::add)
                .build();
        client.initialize();
        return client;
    }

    private static McpError callExpectingError(McpSyncClient agent) {
        try {
            McpSchema.CallToolResult result = McpTestClients.call(agent, "list_catalogs", Map.of("workspace", "lakehouse"));
            throw new AssertionError("expected -32042, got a result: " + McpTestClients.text(result));
        } catch (McpError e) {
            return e;
        }
    }

    private HttpResponse<String> admin(String method, String path, Object body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin" + path))
                .header("Authorization", "Bearer " + adminToken()).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
    }
}
