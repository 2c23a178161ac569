package dev.lakehouse.gateway.vault;

import static dev.lakehouse.gateway.vault.VaultTesting.admin;
import static dev.lakehouse.gateway.vault.VaultTesting.assertRefused;
import static dev.lakehouse.gateway.vault.VaultTesting.json;
import static dev.lakehouse.gateway.vault.VaultTesting.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.GatewayApplication;
import dev.lakehouse.gateway.databricks.EmulatorAdmin;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * The connection vault end to end, against the emulator's workspace acme over real HTTP and a real database: the
 * subclasses run it on H2 (the embedded default) and on the machine's PostgreSQL (the production store). Every test
 * names the secrets it used; after each test the captured log output must contain none of them.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"conformance", "test"})
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class VaultLifecycleContract {

    private static final String TENANT = "demo";

    @LocalServerPort
    int port;
    @Autowired
    Environment environment;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    GrantTokens grantTokens;
    @Autowired
    ConnectionVault vault;
    @Autowired
    WorkspaceOAuth oauth;
    @Autowired
    ConnectionRepository repository;

    private McpSyncClient agent;
    private final List<String> secretsUsed = new ArrayList<>();
    private EmulatorAdmin emulator;
    private String workspace;

    @BeforeEach
    void setUp() {
        workspace = environment.getProperty("emulator.url.acme").replaceAll("/+$", "");
        emulator = EmulatorAdmin.at(workspace);
        if (agent == null) {
            agent = McpTestClients.plain(port, null);
        }
    }

    @AfterEach
    void noSecretInTheLogsAndNoConnectionLeft(CapturedOutput output) {
        emulator.clearFaults();
        emulator.call("DELETE", "/oauth", null);
        for (JsonNode c : list()) {
            if ("vault".equals(c.path("source").asText()) && c.path("disconnected_at").isNull()) {
                admin(port, "DELETE", "/tenants/" + TENANT + "/connections/" + c.path("name").asText(), null, null);
            }
        }
        for (String secret : secretsUsed) {
            assertThat(output.getAll()).as("a secret reached the log").doesNotContain(secret);
        }
        secretsUsed.clear();
    }

    @AfterAll
    void closeAgent() {
        if (agent != null) {
            agent.closeGracefully();
        }
    }

    @Test
    void aPatIsValidatedAgainstTheWorkspaceStoredEncryptedAndServesToolCalls() {
        String pat = emulator.call("POST", "/pats", map("lifetime_seconds", 3600)).path("token").asText();
        secretsUsed.add(pat);
        assertRefused(create(map("name", "wrong-pat", "host", workspace, "auth", "pat", "token", "dapi-not-a-real-token")),
                400, "did not accept the personal access token");
        assertRefused(create(map("name", "internal", "host", "https://metadata.internal", "auth", "pat", "token", pat)),
                400, "not an allowed Databricks workspace host");
        assertRefused(create(map("name", "plain", "host", "http://adb-1.azuredatabricks.net", "auth", "pat", "token", pat)),
                400, "https");
        assertRefused(create(map("name", "closed", "host", "http://127.0.0.1:1", "auth", "pat", "token", pat)),
                400, "could not be reached");
        assertThat(names()).as("nothing stored by refusals").doesNotContain("wrong-pat", "internal", "plain", "closed");

        HttpResponse<String> created = create(map("name", "pat-conn", "host", workspace, "auth", "pat", "token", pat,
                "default_warehouse", "abe1d5bac8fac744"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(pat);
        JsonNode view = json(created.body());
        assertThat(view.path("status").asText()).isEqualTo("active");
        assertThat(view.path("principal").asText()).isEqualTo("alice@acme.example");
        String stored = jdbc.queryForObject("SELECT g.secret FROM vault_grants g JOIN vault_connections c ON c.id = "
                + "g.connection_id WHERE c.tenant = ? AND c.name = 'pat-conn'", String.class, TENANT);
        assertThat(stored).startsWith("v1.").doesNotContain(pat);

        JsonNode catalogs = ok("list_catalogs", Map.of("workspace", "pat-conn"));
        assertThat(catalogs.toString()).contains("main");
        assertThat(get("pat-conn").path("source").asText()).isEqualTo("vault");
    }

    @Test
    void theCloudIsToldByTheHostNameAndAnOverrideOnlyMovesWhereRequestsGo() {
        // the test profile overrides these two cloud hosts to the emulator's acme and globex (gateway.vault.host-overrides)
        String azureHost = "https://adb-1111111111111111.11.azuredatabricks.net";
        String gcpHost = "https://1111111111111111.1.gcp.databricks.com";
        String acmePat = emulator.call("POST", "/pats", map("lifetime_seconds", 3600)).path("token").asText();
        EmulatorAdmin globex = EmulatorAdmin.at(environment.getProperty("emulator.url.globex").replaceAll("/+$", ""));
        String globexPat = globex.call("POST", "/pats", map("lifetime_seconds", 3600)).path("token").asText();
        secretsUsed.add(acmePat);
        secretsUsed.add(globexPat);

        HttpResponse<String> azure = create(map("name", "on-azure", "host", azureHost, "auth", "pat", "token", acmePat));
        assertThat(azure.statusCode()).as(azure.body()).isEqualTo(201);
        JsonNode azureView = json(azure.body());
        assertThat(azureView.path("host").asText()).as("the override is not what the connection shows").isEqualTo(azureHost);
        assertThat(azureView.path("cloud").asText()).isEqualTo("azure");
        assertThat(azureView.path("account_host").asText()).isEqualTo("accounts.azuredatabricks.net");
        HttpResponse<String> gcp = create(map("name", "on-gcp", "host", gcpHost, "auth", "pat", "token", globexPat));
        assertThat(gcp.statusCode()).as(gcp.body()).isEqualTo(201);
        assertThat(json(gcp.body()).path("cloud").asText()).isEqualTo("gcp");
        assertThat(json(gcp.body()).path("account_host").asText()).isEqualTo("accounts.gcp.databricks.com");
        HttpResponse<String> aws = create(map("name", "on-aws", "host", workspace, "auth", "pat", "token", acmePat));
        assertThat(json(aws.body()).path("cloud").asText()).as("loopback and unknown hosts are AWS, as in the SDKs")
                .isEqualTo("aws");
        // a PAT of acme is refused by globex: each override reaches its own workspace, not any emulator
        assertRefused(create(map("name", "crossed", "host", gcpHost, "auth", "pat", "token", acmePat)), 400,
                "did not accept the personal access token");

        String catalogs = "GET /api/2.1/unity-catalog/catalogs";
        long acmeBefore = emulator.count(catalogs);
        long globexBefore = globex.count(catalogs);
        assertThat(ok("list_catalogs", Map.of("workspace", "on-azure")).toString()).contains("main");
        assertThat(emulator.count(catalogs)).as("the Azure host's calls reach acme").isEqualTo(acmeBefore + 1);
        assertThat(ok("list_catalogs", Map.of("workspace", "on-gcp")).toString()).contains("main");
        assertThat(globex.count(catalogs)).as("the GCP host's calls reach globex").isEqualTo(globexBefore + 1);
        JsonNode clouds = ok("gateway_info", Map.of()).path("workspaceClouds");
        assertThat(clouds.path("on-azure").asText()).isEqualTo("azure");
        assertThat(clouds.path("on-gcp").asText()).isEqualTo("gcp");
        assertThat(clouds.path("on-aws").asText()).isEqualTo("aws");
    }

    @Test
    void m2mTokensAreRefreshedAheadAcrossSeveralExpiries() throws Exception {
        String secret = "acme-m2m-secret";
        HttpResponse<String> created = create(map("name", "m2m", "host", workspace, "auth", "oauth-m2m",
                "client_id", "acme-m2m-client", "client_secret", secret));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(created.body()).path("principal").asText()).isEqualTo("acme-m2m-client");
        long before = tokenRequests("client_credentials");
        Instant end = Instant.now().plusSeconds(10);   // the emulator's tokens live 4 s (test profile)
        long calls = 0;
        while (Instant.now().isBefore(end)) {
            ok("list_catalogs", Map.of("workspace", "m2m"));
            calls++;
            Thread.sleep(250);
        }
        long refreshes = tokenRequests("client_credentials") - before;
        assertThat(refreshes).as("refreshed across the expiries, not once per call").isBetween(2L, 6L);
        assertThat(calls).isGreaterThan(refreshes * 3);
        JsonNode expiries = get("m2m").path("expiries");
        assertThat(Instant.parse(expiries.path("next_refresh_at").asText()))
                .isBefore(Instant.parse(expiries.path("access_token_expires_at").asText()));
        assertThat(get("m2m").path("status").asText()).isEqualTo("active");
        // a wrong secret is refused before anything is stored
        assertRefused(create(map("name", "m2m-bad", "host", workspace, "auth", "oauth-m2m", "client_id", "acme-m2m-client",
                "client_secret", "not-the-secret")), 400, "invalid_client");
        assertThat(admin(port, "GET", "/tenants/demo/connections/m2m-bad", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void singleUseRefreshTokensRotateWithoutEverSpendingOneTwice() throws Exception {
        VaultConnection c = u2mShared("u2m-rotating");
        long before = tokenRequests("refresh_token");
        long failedBefore = tokenRequests("failed");
        Instant end = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(end)) {
            ok("list_catalogs", Map.of("workspace", c.name()));
            Thread.sleep(200);
        }
        assertThat(tokenRequests("refresh_token") - before).as("refreshes").isGreaterThanOrEqualTo(2);
        assertThat(tokenRequests("failed") - failedBefore).as("no refused token request (invalid_grant)").isZero();
        assertThat(get(c.name()).path("status").asText()).isEqualTo("active");
        assertThat(eventTypes(c.name())).contains("created", "connected").doesNotContain("status_changed");
    }

    @Test
    void aRevokedGrantBecomesNeedsReauthAndTheAgentIsToldWhatToDoFast() throws Exception {
        VaultConnection c = u2mShared("u2m-revoked");
        ok("list_catalogs", Map.of("workspace", c.name()));
        emulator.call("POST", "/grants/revoke", map("user_name", "alice@acme.example", "client_id", c.clientId()));
        McpSchema.CallToolResult result = McpTestClients.call(agent, "list_catalogs", Map.of("workspace", c.name()));
        assertThat(result.isError()).isTrue();
        assertThat(McpTestClients.text(result)).contains("needs_reauth", "connect page");
        Map<?, ?> about = (Map<?, ?>) ((Map<?, ?>) result.structuredContent()).get("connection");
        assertThat(about.get("name")).isEqualTo(c.name());
        assertThat(about.get("status")).isEqualTo("needs_reauth");
        assertThat((String) about.get("reason")).contains("invalid_grant");
        assertThat((String) about.get("action")).contains("Connect the workspace again");
        long start = System.nanoTime();
        McpSchema.CallToolResult again = McpTestClients.call(agent, "list_catalogs", Map.of("workspace", c.name()));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
        assertThat(again.isError()).isTrue();
        assertThat(get(c.name()).path("status").asText()).isEqualTo("needs_reauth");
        assertThat(events(c.name())).anySatisfy(e -> {
            assertThat(e.path("type").asText()).isEqualTo("status_changed");
            assertThat(e.path("status").asText()).isEqualTo("needs_reauth");
        });
        // signing in again repairs it
        String[] code = VaultTesting.signIn(workspace, c.clientId(), "alice@acme.example", "acme-password");
        WorkspaceOAuth.Tokens tokens = oauth.authorizationCode(workspace, c.clientId(), appSecret, code[0], code[1],
                VaultTesting.REDIRECT);
        vault.storeGrant(c, "anyone", tokens, oauth.me(workspace, tokens.accessToken()));
        ok("list_catalogs", Map.of("workspace", c.name()));
        assertThat(eventTypes(c.name())).contains("reconnected");
    }

    @Test
    void aRefusedClientBecomesAppMisconfiguredAndARotatedSecretRepairsIt() {
        JsonNode sp = emulator.call("POST", "/service-principals", map("display_name", "vault test"));
        String clientId = sp.path("client_id").asText();
        String first = sp.path("client_secret").asText();
        secretsUsed.add(first);
        assertThat(create(map("name", "sp", "host", workspace, "auth", "oauth-m2m", "client_id", clientId,
                "client_secret", first)).statusCode()).isEqualTo(201);
        ok("list_catalogs", Map.of("workspace", "sp"));
        String second = emulator.call("POST", "/service-principals/" + clientId + "/secret", map()).path("client_secret").asText();
        secretsUsed.add(second);
        await().atMost(Duration.ofSeconds(10)).until(() -> "app_misconfigured".equals(get("sp").path("status").asText()));
        long start = System.nanoTime();
        McpSchema.CallToolResult refused = McpTestClients.call(agent, "list_catalogs", Map.of("workspace", "sp"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
        assertThat(refused.isError()).isTrue();
        assertThat(McpTestClients.text(refused)).contains("app_misconfigured", "invalid_client", "rotate the secret");

        assertRefused(admin(port, "PUT", "/tenants/demo/connections/sp/secret", map("client_secret", "still-wrong"), null),
                400, "invalid_client");
        assertThat(get("sp").path("status").asText()).as("a refused rotation changes nothing").isEqualTo("app_misconfigured");
        HttpResponse<String> rotated = admin(port, "PUT", "/tenants/demo/connections/sp/secret", map("client_secret", second), null);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        assertThat(rotated.body()).doesNotContain(second);
        assertThat(json(rotated.body()).path("status").asText()).isEqualTo("active");
        ok("list_catalogs", Map.of("workspace", "sp"));
        assertThat(eventTypes("sp")).containsSubsequence("secret_rotated", "status_changed", "created");
    }

    @Test
    void aPassingOutageDegradesWhileTheCurrentTokenServesThenRecovers() throws Exception {
        assertThat(create(map("name", "flaky", "host", workspace, "auth", "oauth-m2m", "client_id", "acme-m2m-client",
                "client_secret", "acme-m2m-secret")).statusCode()).isEqualTo(201);
        emulator.addFault(map("kind", "TOKEN_OUTAGE", "count", 2, "retry_after_seconds", 0));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> "degraded".equals(get("flaky").path("status").asText()));
        ok("list_catalogs", Map.of("workspace", "flaky"));   // the current token still works
        await().atMost(Duration.ofSeconds(15)).until(() -> "active".equals(get("flaky").path("status").asText()));
        ok("list_catalogs", Map.of("workspace", "flaky"));
        List<JsonNode> changes = events("flaky").stream().filter(e -> e.path("type").asText().equals("status_changed")).toList();
        assertThat(changes).extracting(e -> e.path("status").asText()).containsExactly("active", "degraded");
        assertThat(changes.get(1).path("reason").asText()).contains("HTTP 503", "retrying");
    }

    @Test
    void hardExpiriesWarnOnceAheadThenExpireWithAClockTheTestMoves() {
        String pat = emulator.call("POST", "/pats", map("lifetime_seconds", 86400 * 60)).path("token").asText();
        secretsUsed.add(pat);
        Instant expires = Instant.now().plus(Duration.ofDays(10));
        assertThat(create(map("name", "expiring", "host", workspace, "auth", "pat", "token", pat,
                "secret_expires_at", expires.toString())).statusCode()).isEqualTo(201);
        grantTokens.scan(Instant.now());
        grantTokens.scan(Instant.now().plusSeconds(60));
        assertThat(eventTypes("expiring")).containsOnlyOnce("expiring_soon");
        assertThat(events("expiring").get(0).path("action").asText()).contains("Rotate");
        ok("list_catalogs", Map.of("workspace", "expiring"));

        grantTokens.scan(expires.plusSeconds(1));
        assertThat(get("expiring").path("status").asText()).isEqualTo("expired");
        String text = error("list_catalogs", Map.of("workspace", "expiring"));
        assertThat(text).contains("expired", "rotate");
        // a new PAT revives it
        String renewed = emulator.call("POST", "/pats", map("lifetime_seconds", 3600)).path("token").asText();
        secretsUsed.add(renewed);
        assertThat(admin(port, "PUT", "/tenants/demo/connections/expiring/secret", map("token", renewed), null).statusCode())
                .isEqualTo(200);
        ok("list_catalogs", Map.of("workspace", "expiring"));
    }

    @Test
    void disconnectDestroysTheSecretsAndKeepsTheHistory() {
        String pat = emulator.call("POST", "/pats", map()).path("token").asText();
        secretsUsed.add(pat);
        assertThat(create(map("name", "leaving", "host", workspace, "auth", "pat", "token", pat)).statusCode()).isEqualTo(201);
        ok("list_catalogs", Map.of("workspace", "leaving"));
        assertThat(admin(port, "DELETE", "/tenants/demo/connections/leaving", null, null).statusCode()).isEqualTo(204);
        Map<String, Object> row = jdbc.queryForMap("SELECT g.secret, g.access_token, g.refresh_token, g.status FROM vault_grants g "
                + "JOIN vault_connections c ON c.id = g.connection_id WHERE c.tenant = ? AND c.name = 'leaving'", TENANT);
        assertThat(row.get("secret")).isNull();
        assertThat(row.get("access_token")).isNull();
        assertThat(row.get("status")).isEqualTo("DISCONNECTED");
        assertThat(error("list_catalogs", Map.of("workspace", "leaving"))).contains("Unknown workspace");
        assertThat(get("leaving").path("status").asText()).isEqualTo("disconnected");
        assertThat(eventTypes("leaving")).containsExactly("disconnected", "created");
        assertThat(admin(port, "DELETE", "/tenants/demo/connections/leaving", null, null).statusCode()).isEqualTo(409);
        // the name can be used again
        assertThat(create(map("name", "leaving", "host", workspace, "auth", "pat", "token", pat)).statusCode()).isEqualTo(201);
        ok("list_catalogs", Map.of("workspace", "leaving"));
    }

    @Test
    void aCiphertextCopiedToAnotherRowDoesNotOpen() {
        String first = emulator.call("POST", "/pats", map()).path("token").asText();
        String second = emulator.call("POST", "/pats", map()).path("token").asText();
        secretsUsed.add(first);
        secretsUsed.add(second);
        assertThat(create(map("name", "row-a", "host", workspace, "auth", "pat", "token", first)).statusCode()).isEqualTo(201);
        assertThat(create(map("name", "row-b", "host", workspace, "auth", "pat", "token", second)).statusCode()).isEqualTo(201);
        String select = "SELECT g.secret FROM vault_grants g JOIN vault_connections c ON c.id = g.connection_id "
                + "WHERE c.tenant = 'demo' AND c.name = ?";
        String ofB = jdbc.queryForObject(select, String.class, "row-b");
        jdbc.update("UPDATE vault_grants SET secret = ? WHERE connection_id = (SELECT id FROM vault_connections WHERE "
                + "tenant = 'demo' AND name = 'row-a')", ofB);
        try {
            Thread.sleep(400);   // past the cache TTL
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        vault.connection(TENANT, "row-a").ifPresent(grantTokens::forget);
        String text = error("list_catalogs", Map.of("workspace", "row-a"));
        assertThat(text).contains("cannot decrypt").doesNotContain(first).doesNotContain(second);
        ok("list_catalogs", Map.of("workspace", "row-b"));
    }

    @Test
    void badInputIsRefusedWithAMessageAndChangesNothing() {
        String before = names().toString();
        assertRefused(admin(port, "POST", "/tenants/demo/connections", "{\"name\": ", null), 400, "not valid JSON");
        assertRefused(create(map("name", "x", "host", workspace, "auth", "pat", "token", "t", "password", "p")), 400,
                "Unknown field 'password'");
        assertRefused(create(map("name", "bad name", "host", workspace, "auth", "pat", "token", "t")), 400, "name must match");
        assertRefused(create(map("name", "x", "host", workspace, "auth", "kerberos")), 400, "auth must be");
        assertRefused(create(map("name", "x", "host", workspace, "auth", "pat")), 400, "token is required");
        assertRefused(create(map("name", "x", "host", workspace, "auth", "pat", "token", 42)), 400, "'token' must be a string");
        assertRefused(create(map("name", "x", "host", workspace, "auth", "oauth-u2m", "client_id", "c", "grant", "everyone")),
                400, "grant must be");
        assertRefused(create(map("name", "x", "host", workspace, "auth", "pat", "token", "t", "exposure", map("billing", "on"))),
                400, "Unknown tool group 'billing'");
        assertRefused(create(map("name", "x", "host", workspace, "auth", "pat", "token", "t", "rate_limits",
                map("mining", map("rate", 1)))), 400, "Unknown API family");
        assertRefused(create(map("name", "x", "host", workspace, "auth", "pat", "token", "t", "secret_expires_at", "soon")),
                400, "ISO-8601");
        assertRefused(create(map("name", "acme", "host", workspace, "auth", "pat", "token", "t")), 409, "properties");
        assertRefused(admin(port, "PATCH", "/tenants/demo/connections/acme", map("read_only", false), null), 409, "properties");
        assertRefused(admin(port, "GET", "/tenants/demo/connections/nothing-here", null, null), 404, "no connection named");
        assertRefused(admin(port, "PATCH", "/tenants/demo/connections/nothing-here", map("read_only", false), null), 404,
                "no connection named");
        assertRefused(admin(port, "PUT", "/tenants/demo/connections/nothing-here/secret", map("token", "t"), null), 404,
                "no connection named");
        assertThat(names().toString()).isEqualTo(before);
    }

    @Test
    void policyChangesApplyToTheNextToolCall() {
        String pat = emulator.call("POST", "/pats", map()).path("token").asText();
        secretsUsed.add(pat);
        assertThat(create(map("name", "policy", "host", workspace, "auth", "pat", "token", pat)).statusCode()).isEqualTo(201);
        ok("list_catalogs", Map.of("workspace", "policy"));
        HttpResponse<String> patched = admin(port, "PATCH", "/tenants/demo/connections/policy",
                map("exposure", map("catalog", "off"), "rate_limits", map("unity-catalog", map("rate", 5, "burst", 1))), null);
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(json(patched.body()).path("exposure").path("catalog").asText()).isEqualTo("off");
        assertThat(json(patched.body()).path("rate_limits").path("unity-catalog").path("rate").asDouble()).isEqualTo(5.0);
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                assertThat(error("list_catalogs", Map.of("workspace", "policy"))).isNotBlank());
        assertThat(eventTypes("policy")).contains("policy_updated");
    }

    @Test
    void aPerUserConnectionUsesTheCallingUsersOwnGrant() throws Exception {
        JsonNode app = emulator.call("POST", "/oauth-apps", map("redirect_uris", List.of(VaultTesting.REDIRECT)));
        String secret = app.path("client_secret").asText();
        secretsUsed.add(secret);
        HttpResponse<String> created = create(map("name", "per-user", "host", workspace, "auth", "oauth-u2m",
                "client_id", app.path("client_id").asText(), "client_secret", secret));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(created.body()).path("grant").asText()).isEqualTo("per-user");
        // the caller (the anonymous agent of the loopback mode) has no grant of its own yet
        String text = error("list_catalogs", Map.of("workspace", "per-user"));
        assertThat(text).contains("pending", "your own Databricks account");
        VaultConnection c = vault.connection(TENANT, "per-user").orElseThrow();
        String[] code = VaultTesting.signIn(workspace, c.clientId(), "alice@acme.example", "acme-password");
        WorkspaceOAuth.Tokens tokens = oauth.authorizationCode(workspace, c.clientId(), secret, code[0], code[1],
                VaultTesting.REDIRECT);
        secretsUsed.add(tokens.refreshToken());
        vault.storeGrant(c, "someone-else", tokens, oauth.me(workspace, tokens.accessToken()));
        assertThat(error("list_catalogs", Map.of("workspace", "per-user"))).as("another user's grant is not ours")
                .contains("pending");
        String[] mine = VaultTesting.signIn(workspace, c.clientId(), "alice@acme.example", "acme-password");
        WorkspaceOAuth.Tokens own = oauth.authorizationCode(workspace, c.clientId(), secret, mine[0], mine[1],
                VaultTesting.REDIRECT);
        secretsUsed.add(own.refreshToken());
        vault.storeGrant(c, "anonymous", own, oauth.me(workspace, own.accessToken()));
        ok("list_catalogs", Map.of("workspace", "per-user"));
        JsonNode view = get("per-user");
        assertThat(view.path("user_grants").asInt()).isEqualTo(2);
        assertThat(view.path("users")).extracting(u -> u.path("subject").asText())
                .containsExactlyInAnyOrder("anonymous", "someone-else");
        assertThat(view.toString()).doesNotContain(own.refreshToken()).doesNotContain(own.accessToken());
    }

    @Test
    void theRefreshLeaseIsExclusiveAndFencesTheCommit() {
        String pat = emulator.call("POST", "/pats", map()).path("token").asText();
        secretsUsed.add(pat);
        assertThat(create(map("name", "leased", "host", workspace, "auth", "pat", "token", pat)).statusCode()).isEqualTo(201);
        VaultConnection c = vault.connection(TENANT, "leased").orElseThrow();
        VaultGrant g = vault.grants(c).get(0);
        Instant now = Instant.now();
        assertThat(repository.claimLease(g.id(), g.version(), "instance-a", now, now.plusSeconds(30))).isTrue();
        assertThat(repository.claimLease(g.id(), g.version(), "instance-b", now, now.plusSeconds(30)))
                .as("held by another instance").isFalse();
        assertThat(repository.claimLease(g.id(), g.version(), "instance-b", now.plusSeconds(31), now.plusSeconds(61)))
                .as("a lapsed lease can be taken over").isTrue();
        VaultGrant.Draft late = g.draft();
        late.failures = 7;
        assertThat(repository.write(late.build(), "instance-a")).as("the first holder's lease lapsed: no commit").isFalse();
        assertThat(repository.write(late.build(), "instance-b")).as("the holder commits").isTrue();
        assertThat(repository.write(late.build(), "instance-b")).as("a write names the version it read").isFalse();
        assertThat(repository.grant(g.id()).orElseThrow().version()).isEqualTo(g.version() + 1);
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private String appSecret;

    /** A shared U2M connection on a fresh OAuth app of the workspace, signed in as alice. */
    private VaultConnection u2mShared(String name) throws Exception {
        JsonNode app = emulator.call("POST", "/oauth-apps", map("redirect_uris", List.of(VaultTesting.REDIRECT)));
        appSecret = app.path("client_secret").asText();
        secretsUsed.add(appSecret);
        HttpResponse<String> created = create(map("name", name, "host", workspace, "auth", "oauth-u2m", "grant", "shared",
                "client_id", app.path("client_id").asText(), "client_secret", appSecret));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(created.body()).path("status").asText()).isEqualTo("pending");
        assertThat(error("list_catalogs", Map.of("workspace", name))).contains("pending", "connect page");
        VaultConnection c = vault.connection(TENANT, name).orElseThrow();
        String[] code = VaultTesting.signIn(workspace, c.clientId(), "alice@acme.example", "acme-password");
        WorkspaceOAuth.Tokens tokens = oauth.authorizationCode(workspace, c.clientId(), appSecret, code[0], code[1],
                VaultTesting.REDIRECT);
        secretsUsed.add(tokens.accessToken());
        secretsUsed.add(tokens.refreshToken());
        vault.storeGrant(c, null, tokens, oauth.me(workspace, tokens.accessToken()));
        assertThat(get(name).path("status").asText()).isEqualTo("active");
        assertThat(get(name).path("principal").asText()).isEqualTo("alice@acme.example");
        return c;
    }

    private HttpResponse<String> create(Map<String, Object> body) {
        return admin(port, "POST", "/tenants/" + TENANT + "/connections", body, null);
    }

    private JsonNode get(String name) {
        HttpResponse<String> response = admin(port, "GET", "/tenants/" + TENANT + "/connections/" + name, null, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    private JsonNode list() {
        return json(admin(port, "GET", "/tenants/" + TENANT + "/connections", null, null).body()).path("connections");
    }

    private List<String> names() {
        List<String> names = new ArrayList<>();
        list().forEach(c -> names.add(c.path("name").asText() + ":" + c.path("status").asText("")));
        return names;
    }

    private List<JsonNode> events(String name) {
        List<JsonNode> events = new ArrayList<>();
        json(admin(port, "GET", "/tenants/" + TENANT + "/connections/" + name + "/events", null, null).body())
                .path("events").forEach(events::add);
        return events;
    }

    private List<String> eventTypes(String name) {
        return events(name).stream().map(e -> e.path("type").asText()).toList();
    }

    private long tokenRequests(String kind) {
        return emulator.requests().path("token_requests").path(kind).asLong();
    }

    private JsonNode ok(String tool, Map<String, Object> arguments) {
        McpSchema.CallToolResult result = McpTestClients.call(agent, tool, arguments);
        assertThat(result.isError()).as("%s %s: %s", tool, arguments, McpTestClients.text(result)).isFalse();
        return json(McpTestClients.text(result));
    }

    private String error(String tool, Map<String, Object> arguments) {
        McpSchema.CallToolResult result = McpTestClients.call(agent, tool, arguments);
        String text = McpTestClients.text(result);
        assertThat(result.isError()).as("%s should fail: %s", tool, text).isTrue();
        assertThat(text).doesNotContain("Exception").doesNotContain("java.");
        return text;
    }
}
