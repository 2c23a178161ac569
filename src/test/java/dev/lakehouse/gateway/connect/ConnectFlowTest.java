package dev.lakehouse.gateway.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.databricks.EmulatorAdmin;
import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * The reconnect loop over real HTTP in the loopback mode (the local user is the agent's user): an agent's call on a
 * per-user connection without a grant gets -32042 with a link (or, without elicitation.url, an isError result with
 * it); the link's page starts a sign-in at the emulator's workspace; the callback stores the grant, the client gets
 * notifications/elicitation/complete, and its retry succeeds. Replayed, altered, expired and denied callbacks store
 * nothing. (People of different tenants, and the pages in a real browser: ConnectPagesBrowserTest.)
 */
@TestPropertySource(properties = "spring.datasource.url=jdbc:h2:mem:connect-flow;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
        + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH")
class ConnectFlowTest extends GatewayTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @Autowired
    Environment environment;
    @Autowired
    JdbcTemplate jdbc;

    private String workspace;
    private EmulatorAdmin emulator;
    private HttpClient browser;

    @BeforeEach
    void setUp() {
        workspace = environment.getProperty("emulator.url.acme").replaceAll("/+$", "");
        emulator = EmulatorAdmin.at(workspace);
        browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void anAgentsCallLeadsItsHumanToSignInAndTheRetrySucceeds() throws Exception {
        String name = connection("reconnect-me");
        List<McpSchema.ElicitationCompleteNotification> completed = new CopyOnWriteArrayList<>();
        McpSyncClient agent = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                        .endpoint("/mcp").build())
                .requestTimeout(Duration.ofSeconds(60))
                .capabilities(McpSchema.ClientCapabilities.builder().elicitation(false, true).build())
                .urlElicitation(request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, null))
                .elicitationCompleteConsumer(completed::add)
                .build();
        try {
            agent.initialize();
            long start = System.nanoTime();
            McpError error = (McpError) catchThrowable(() -> McpTestClients.call(agent, "list_catalogs",
                    Map.of("workspace", name)));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
            assertThat(error.getJsonRpcError().code()).isEqualTo(-32042);
            JsonNode elicitation = JSON.valueToTree(error.getJsonRpcError().data()).path("elicitations").get(0);
            assertThat(elicitation.path("mode").asText()).isEqualTo("url");
            String url = elicitation.path("url").asText();
            assertThat(url).startsWith("http://localhost:" + port + "/connect/e/")
                    .endsWith(elicitation.path("elicitationId").asText());

            signInThrough(url, "allow");
            await().atMost(Duration.ofSeconds(10)).until(() -> !completed.isEmpty());
            assertThat(completed.get(0).elicitationId()).isEqualTo(elicitation.path("elicitationId").asText());
            McpSchema.CallToolResult retried = McpTestClients.call(agent, "list_catalogs", Map.of("workspace", name));
            assertThat(retried.isError()).as(McpTestClients.text(retried)).isFalse();
            // the link is spent: opening it again says so
            assertThat(page(url).body()).contains("Already connected");
        } finally {
            agent.closeGracefully();
        }
    }

    /** MCP 2026-07-28 has no error -32042 to hand a link with: the link is an input request, asked until the grant exists. */
    @Test
    void aStatelessCallGetsTheLinkAsAnInputRequestAndItsRetrySucceeds() throws Exception {
        String name = connection("reconnect-stateless");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", "list_catalogs");
        params.put("arguments", Map.of("workspace", name));
        params.put("_meta", Map.of("io.modelcontextprotocol/protocolVersion", "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities", Map.of("elicitation", Map.of("url", Map.of()))));
        JsonNode first = stateless(1, params).path("result");
        assertThat(first.path("resultType").asText()).as(first.toString()).isEqualTo("input_required");
        JsonNode asked = first.path("inputRequests").path("connect_workspace");
        assertThat(asked.path("method").asText()).isEqualTo("elicitation/create");
        assertThat(asked.path("params").path("mode").asText()).isEqualTo("url");
        String url = asked.path("params").path("url").asText();
        assertThat(url).startsWith("http://localhost:" + port + "/connect/e/")
                .endsWith(asked.path("params").path("elicitationId").asText());
        assertThat(asked.path("params").path("message").asText()).contains(name);

        // the client says the person went to the page before they signed in: the same question comes again
        Map<String, Object> tooEarly = new LinkedHashMap<>(params);
        tooEarly.put("inputResponses", Map.of("connect_workspace", Map.of("action", "accept")));
        tooEarly.put("requestState", first.path("requestState").asText());
        JsonNode again = stateless(2, tooEarly).path("result");
        assertThat(again.path("resultType").asText()).isEqualTo("input_required");
        assertThat(again.path("inputRequests").path("connect_workspace").path("params").path("mode").asText()).isEqualTo("url");

        signInThrough(url, "allow");
        Map<String, Object> retry = new LinkedHashMap<>(params);
        retry.put("inputResponses", Map.of("connect_workspace", Map.of("action", "accept")));
        retry.put("requestState", again.path("requestState").asText());
        JsonNode done = stateless(3, retry).path("result");
        assertThat(done.path("resultType").asText()).as(done.toString()).isEqualTo("complete");
        assertThat(done.path("isError").asBoolean()).as(done.toString()).isFalse();
        assertThat(done.path("content").get(0).path("text").asText()).contains("catalogs");

        // a request that did not declare elicitation.url gets the link in the isError result, as a session client does
        String other = connection("reconnect-stateless-text");
        Map<String, Object> plain = new LinkedHashMap<>(params);
        plain.put("arguments", Map.of("workspace", other));
        plain.put("_meta", Map.of("io.modelcontextprotocol/protocolVersion", "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities", Map.of()));
        JsonNode inText = stateless(4, plain).path("result");
        assertThat(inText.path("isError").asBoolean()).as(inText.toString()).isTrue();
        assertThat(inText.path("structuredContent").path("connection").path("connect_url").asText())
                .startsWith("http://localhost:" + port + "/connect/e/");
    }

    private JsonNode stateless(int id, Map<String, Object> params) throws Exception {
        String body = JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", id, "method", "tools/call", "params", params));
        @SuppressWarnings("unchecked")
        String workspace = (String) ((Map<String, Object>) params.get("arguments")).get("workspace");
        HttpResponse<String> response = send(post(body).header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "tools/call").header("Mcp-Name", (String) params.get("name"))
                .header("Mcp-Param-Workspace", workspace).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void aClientWithoutUrlElicitationGetsTheLinkInTheResult() throws Exception {
        String name = connection("link-in-text");
        McpSyncClient agent = McpTestClients.plain(port, null);
        try {
            McpSchema.CallToolResult result = McpTestClients.call(agent, "list_catalogs", Map.of("workspace", name));
            assertThat(result.isError()).isTrue();
            Map<?, ?> about = (Map<?, ?>) ((Map<?, ?>) result.structuredContent()).get("connection");
            String url = (String) about.get("connect_url");
            assertThat(url).startsWith("http://localhost:" + port + "/connect/e/");
            assertThat(McpTestClients.text(result)).contains(url).contains("pending");
            signInThrough(url, "allow");
            assertThat(McpTestClients.call(agent, "list_catalogs", Map.of("workspace", name)).isError()).isFalse();
        } finally {
            agent.closeGracefully();
        }
    }

    @Test
    void deniedAlteredReplayedAndExpiredSignInsStoreNothing() throws Exception {
        String name = connection("refusals");
        // consent denied at the workspace
        HttpResponse<String> denied = signInThrough(startUrl(name), "deny");
        assertThat(denied.statusCode()).isEqualTo(400);
        assertThat(denied.body()).contains("Access not allowed", "Nothing was stored");
        assertThat(grants(name)).isZero();

        // an altered state
        HttpResponse<String> altered = page("http://localhost:" + port + "/connect/callback?code=x&state=forged-state");
        assertThat(altered.statusCode()).isEqualTo(400);
        assertThat(altered.body()).contains("Unknown sign-in");

        // a replayed callback: the first one connects, the same one again is refused
        String callback = callbackOf(startUrl(name), "allow");
        HttpResponse<String> first = page(callback);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).contains("Connected", "alice@acme.example");
        HttpResponse<String> replay = page(callback);
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("Already used");
        assertThat(grants(name)).isEqualTo(1);

        // an expired sign-in
        String late = callbackOf(startUrl(name), "allow");
        jdbc.update("UPDATE connect_sessions SET expires_at = ? WHERE used_at IS NULL",
                Instant.now().minusSeconds(1).atOffset(ZoneOffset.UTC));
        HttpResponse<String> expired = page(late);
        assertThat(expired.statusCode()).isEqualTo(400);
        assertThat(expired.body()).contains("expired");
        // pages never leak a secret or a code into the browser's storage: no-store
        assertThat(expired.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void aLinkOfAnotherConnectionKindOrAnUnknownLinkIsRefused() throws Exception {
        assertThat(page("http://localhost:" + port + "/connect/e/no-such-link").statusCode()).isEqualTo(404);
        String pat = emulator.call("POST", "/pats", Map.of()).path("token").asText();
        assertThat(admin("POST", "/tenants/demo/connections", Map.of("name", "pat-only", "host", workspace, "auth", "pat",
                "token", pat)).statusCode()).isEqualTo(201);
        HttpResponse<String> home = page("http://localhost:" + port + "/connect");
        HttpResponse<String> start = post("http://localhost:" + port + "/connect/demo/pat-only/start", csrf(home.body()), Map.of());
        assertThat(start.statusCode()).isEqualTo(400);
        assertThat(start.body()).contains("nothing to sign in to");
        // a form without the CSRF token is refused
        assertThat(post("http://localhost:" + port + "/connect/demo/pat-only/start", null, Map.of()).statusCode())
                .isEqualTo(403);
        admin("DELETE", "/tenants/demo/connections/pat-only", null);
    }

    @Test
    void aTenantAdminAddsATokenAndAServicePrincipalThroughThePageValidatedFirst() throws Exception {
        String pat = emulator.call("POST", "/pats", Map.of()).path("token").asText();
        HttpResponse<String> home = page("http://localhost:" + port + "/connect");
        assertThat(home.body()).contains("id=\"redirect-url\"", "/connect/callback");
        String token = csrf(home.body());
        HttpResponse<String> wrong = post("http://localhost:" + port + "/connect/demo/connections", token, Map.of(
                "auth", "pat", "name", "form-pat", "host", workspace, "token", "dapi-wrong"));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("did not accept", "Nothing was stored").doesNotContain("dapi-wrong");
        HttpResponse<String> added = post("http://localhost:" + port + "/connect/demo/connections", token, Map.of(
                "auth", "pat", "name", "form-pat", "host", workspace, "token", pat));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(added.body()).contains("form-pat").doesNotContain(pat);
        HttpResponse<String> m2m = post("http://localhost:" + port + "/connect/demo/connections", token, Map.of(
                "auth", "oauth-m2m", "name", "form-m2m", "host", workspace, "client_id", "acme-m2m-client",
                "client_secret", "acme-m2m-secret"));
        assertThat(m2m.statusCode()).as(m2m.body()).isEqualTo(201);
        HttpResponse<String> after = page("http://localhost:" + port + "/connect");
        assertThat(after.body()).contains("form-pat", "form-m2m", "active").doesNotContain(pat).doesNotContain("acme-m2m-secret");
        // a tenant id that no tenant can have is refused before anything is looked at
        assertThat(post("http://localhost:" + port + "/connect/-demo/connections", token, Map.of("auth", "pat",
                "name", "x", "host", workspace, "token", pat)).statusCode()).isEqualTo(403);
        admin("DELETE", "/tenants/demo/connections/form-pat", null);
        admin("DELETE", "/tenants/demo/connections/form-m2m", null);
    }

    // --- helpers -----------------------------------------------------------------------------------------------------

    /** A per-user U2M connection of tenant demo on a fresh OAuth app that accepts the gateway's callback URL. */
    private String connection(String name) {
        JsonNode app = emulator.call("POST", "/oauth-apps", Map.of("redirect_uris",
                List.of("http://localhost:" + port + "/connect/callback")));
        HttpResponse<String> created = admin("POST", "/tenants/demo/connections", Map.of("name", name, "host", workspace,
                "auth", "oauth-u2m", "client_id", app.path("client_id").asText(), "client_secret",
                app.path("client_secret").asText()));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return name;
    }

    /** The home page's Connect button for a connection: the workspace authorize URL it leads to. */
    private String startUrl(String name) throws Exception {
        HttpResponse<String> home = page("http://localhost:" + port + "/connect");
        assertThat(home.body()).contains(name);
        HttpResponse<String> start = post("http://localhost:" + port + "/connect/demo/" + name + "/start", csrf(home.body()),
                Map.of());
        assertThat(start.statusCode()).as(start.body()).isEqualTo(303);
        return start.headers().firstValue("Location").orElseThrow();
    }

    /** Opens a reconnect link or authorize URL and walks the sign-in with the given decision; the callback's answer. */
    private HttpResponse<String> signInThrough(String url, String decision) throws Exception {
        return page(callbackOf(url, decision));
    }

    private String callbackOf(String url, String decision) throws Exception {
        String authorize = url;
        if (url.contains("/connect/e/")) {
            HttpResponse<String> link = page(url);
            assertThat(link.statusCode()).as(link.body()).isEqualTo(200);
            Matcher action = Pattern.compile("action=\"(/connect/[^\"]+/start)\"").matcher(link.body());
            assertThat(action.find()).isTrue();
            Matcher elicitation = Pattern.compile("name=\"elicitation\" value=\"([^\"]+)\"").matcher(link.body());
            assertThat(elicitation.find()).isTrue();
            HttpResponse<String> start = post("http://localhost:" + port + action.group(1), csrf(link.body()),
                    Map.of("elicitation", elicitation.group(1)));
            assertThat(start.statusCode()).as(start.body()).isEqualTo(303);
            authorize = start.headers().firstValue("Location").orElseThrow();
        }
        URI uri = URI.create(authorize);
        assertThat(authorize).startsWith(workspace + "/oidc/v1/authorize?").contains("code_challenge_method=S256");
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            form.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        form.put("username", "alice@acme.example");
        form.put("password", "acme-password");
        form.put("decision", decision);
        HttpResponse<String> consent = browser.send(HttpRequest.newBuilder(URI.create(workspace + "/oidc/v1/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(
                        encode(form))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(consent.statusCode()).as(consent.body()).isEqualTo(302);
        return consent.headers().firstValue("Location").orElseThrow();
    }

    private HttpResponse<String> page(String url) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String csrf, Map<String, String> fields) throws Exception {
        Map<String, String> form = new LinkedHashMap<>(fields);
        if (csrf != null) {
            form.put("_csrf", csrf);
        }
        return browser.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "http://localhost:" + port)
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a CSRF token in the page").isTrue();
        return m.group(1);
    }

    private int grants(String name) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM vault_grants g JOIN vault_connections c ON c.id = "
                + "g.connection_id WHERE c.tenant = 'demo' AND c.name = ? AND g.subject <> ''", Integer.class, name);
        return n == null ? 0 : n;
    }

    private HttpResponse<String> admin(String method, String path, Object body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin" + path))
                    .header("Content-Type", "application/json").method(method, body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Throwable catchThrowable(Runnable call) {
        try {
            call.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("the call should have failed");
    }
}
