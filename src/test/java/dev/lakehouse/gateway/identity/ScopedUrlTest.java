package dev.lakehouse.gateway.identity;

import static dev.lakehouse.gateway.support.McpTestClients.call;
import static dev.lakehouse.gateway.support.McpTestClients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.tools.ToolCatalog;
import dev.lakehouse.gateway.tools.ToolDefinition;
import dev.lakehouse.gateway.tools.ToolPolicy;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Scoped MCP URLs (/mcp/u/<token>): made through the admin API, used with the MCP Java SDK and raw HTTP. What a URL
 * allows (tenant, pinned connection, groups, tools, read-only) holds in tools/list and tools/call; a tampered,
 * expired, revoked, rotated-out or second-factor-less token gets the same generic 401.
 */
class ScopedUrlTest extends GatewayTestBase {

    private static final String INIT = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
             "capabilities":{},"clientInfo":{"name":"scoped-url-test","version":"1"}}}""";

    @Autowired
    ToolPolicy policy;

    @Autowired
    ToolCatalog catalog;

    @Autowired
    CamelContext camel;

    @Autowired
    Environment environment;

    // --- helpers -------------------------------------------------------------------------------------------------

    /** Makes a scoped URL of tenant demo through the admin API; returns the 201 answer. */
    private JsonNode mint(String body) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/admin/tenants/demo/scoped-urls")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response.body());
    }

    private HttpResponse<String> revoke(String id) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/tenants/demo/scoped-urls/" + id))
                .DELETE().build());
    }

    private HttpRequest.Builder scoped(String token, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp/u/" + token)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", ACCEPT_BOTH)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private McpSyncClient client(String token) {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                        .endpoint("/mcp/u/" + token).build())
                .requestTimeout(Duration.ofSeconds(60)).build();
        client.initialize();
        return client;
    }

    private static List<String> names(McpSyncClient client) {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    /** A 401 that says nothing but Unauthorized. */
    private static void assertGenericUnauthorized(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode body = json(response.body());
        assertThat(body.path("error").path("message").asText()).isEqualTo("Unauthorized");
        assertThat(body.path("error").has("data")).isFalse();
        assertThat(response.body().toLowerCase()).doesNotContain("expired", "revoked", "signature", "key", "tamper",
                "malformed", "second", "factor");
    }

    private static String flip(String token, int index) {
        char c = token.charAt(index);
        return token.substring(0, index) + (c == 'A' ? 'B' : 'A') + token.substring(index + 1);
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    // --- what a URL allows -------------------------------------------------------------------------------------

    @Test
    void theSdkSeesOnlyTheUrlsGroupsAndCallsOnItsPinnedConnection() throws Exception {
        JsonNode catalogOnly = mint("""
                {"connection":"globex","groups":["catalog"],"read_only":true,"expires_in_seconds":600,"label":"catalog only"}""");
        try (McpSyncClient client = client(catalogOnly.path("token").asText())) {
            List<String> names = names(client);
            assertThat(names).contains("list_catalogs", "describe_table", "gateway_info")
                    .doesNotContain("execute_sql", "get_statement_result");
            McpSchema.CallToolResult catalogs = call(client, "list_catalogs", Map.of());
            assertThat(catalogs.isError()).as(text(catalogs)).isFalse();
            // a hidden tool answers like an unknown one: a JSON-RPC error, not a 403 step-up
            assertThatThrownBy(() -> call(client, "execute_sql", Map.of("statement", "SELECT 1")))
                    .hasMessageContaining("Unknown tool: execute_sql");
        }
        // sql on globex (not read-only, sql on): a write works only there, so this proves the pinned connection
        JsonNode sqlWriter = mint("""
                {"connection":"globex","groups":["sql"],"tools":["execute_sql"],"read_only":false,"expires_in_seconds":600}""");
        try (McpSyncClient client = client(sqlWriter.path("token").asText())) {
            assertThat(names(client)).containsExactly("execute_sql");
            McpSchema.CallToolResult created = call(client, "execute_sql",
                    Map.of("statement", "CREATE OR REPLACE TABLE main.default.scoped_url_table AS SELECT 7 AS seven"));
            assertThat(created.isError()).as(text(created)).isFalse();
            McpSchema.CallToolResult read = call(client, "execute_sql", Map.of("statement",
                    "SELECT seven FROM main.default.scoped_url_table", "workspace", "globex"));
            assertThat(read.isError()).as(text(read)).isFalse();
            assertThat(text(read)).contains("7");
            // another workspace of the tenant is refused, without naming the others
            McpSchema.CallToolResult elsewhere = call(client, "execute_sql", Map.of("statement", "SELECT 1", "workspace", "acme"));
            assertThat(elsewhere.isError()).isTrue();
            assertThat(text(elsewhere)).contains("limited to workspace 'globex'").doesNotContain("acme-locked");
        }
    }

    @Test
    void aHiddenToolIsAnUnknownToolOverRawHttp() throws Exception {
        String token = mint("{\"groups\":[\"catalog\"],\"expires_in_seconds\":600}").path("token").asText();
        HttpResponse<String> init = send(scoped(token, INIT).build());
        assertThat(init.statusCode()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> response = send(scoped(token, request(2, "tools/call",
                Map.of("name", "execute_sql", "arguments", Map.of("statement", "SELECT 1"))))
                .header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25").build());
        assertThat(response.statusCode()).isEqualTo(200);
        String body = response.body().substring(response.body().indexOf('{'));
        JsonNode error = json(body.substring(0, body.lastIndexOf('}') + 1)).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32602);
        assertThat(error.path("message").asText()).isEqualTo("Unknown tool: execute_sql");
        // nothing of the request, token included, comes back in a header
        response.headers().map().forEach((name, values) -> assertThat(values.toString()).doesNotContain(token));
    }

    @Test
    void aReadOnlyUrlRefusesWritesEvenWhereTheConnectionAllowsThem() throws Exception {
        String token = mint("{\"connection\":\"globex\",\"expires_in_seconds\":600}").path("token").asText();  // read_only default true
        try (McpSyncClient client = client(token)) {
            // execute_sql has guarded writes: listed, serves reads, refuses writes
            assertThat(names(client)).contains("execute_sql");
            McpSchema.CallToolResult write = call(client, "execute_sql",
                    Map.of("statement", "CREATE OR REPLACE TABLE main.default.never_made AS SELECT 1 AS a"));
            assertThat(write.isError()).isTrue();
            assertThat(text(write)).contains("This MCP URL is read-only");
            McpSchema.CallToolResult read = call(client, "execute_sql", Map.of("statement", "SELECT 1 AS one"));
            assertThat(read.isError()).as(text(read)).isFalse();
        }
    }

    @Test
    void aReadOnlyUrlHidesStateChangingToolsAndKeepsGuardedOnes() {
        ToolDefinition execSql = catalog.all().get("execute_sql");
        ToolDefinition restart = new ToolDefinition("restart_something", "Restart", "A state-changing tool", "compute",
                "direct:nowhere", JSON.createObjectNode().put("type", "object"), null, Map.of("readOnlyHint", false),
                "test", null, null);
        List<ToolDefinition> tools = List.of(execSql, restart);
        // globex exposes compute 'on': a plain caller sees both
        assertThat(policy.filter(tools, exchange(null, null, null))).containsExactly(execSql, restart);
        assertThat(policy.filter(tools, exchange("globex", false, null))).containsExactly(execSql, restart);
        assertThat(policy.filter(tools, exchange("globex", true, null))).containsExactly(execSql);
        assertThat(policy.filter(tools, exchange("globex", false, Set.of("restart_something")))).containsExactly(restart);
        // pinned to acme-locked (every group off): no Databricks tool at all
        assertThat(policy.filter(tools, exchange("acme-locked", false, null))).isEmpty();
    }

    private Exchange exchange(String pinned, Boolean readOnly, Set<String> tools) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setVariable("tenant", "demo");
        exchange.setVariable("scopes", null);
        exchange.setVariable("pinnedConnection", pinned);
        exchange.setVariable("urlReadOnly", readOnly);
        exchange.setVariable("urlTools", tools);
        return exchange;
    }

    // --- refusals ------------------------------------------------------------------------------------------------

    @Test
    void aTamperedOrMalformedTokenGetsAGeneric401() throws Exception {
        String token = mint("{\"expires_in_seconds\":600}").path("token").asText();
        assertThat(send(scoped(token, INIT).build()).statusCode()).isEqualTo(200);
        int payloadChar = token.indexOf('.') + 5;
        int signatureChar = token.lastIndexOf('.') + 5;
        HttpResponse<String> payload = send(scoped(flip(token, payloadChar), INIT).build());
        HttpResponse<String> signature = send(scoped(flip(token, signatureChar), INIT).build());
        HttpResponse<String> garbage = send(scoped("not-a-token", INIT).build());
        HttpResponse<String> kidSwapped = send(scoped("k-old" + token.substring(token.indexOf('.')), INIT).build());
        for (HttpResponse<String> response : List.of(payload, signature, garbage, kidSwapped)) {
            assertGenericUnauthorized(response);
            assertThat(response.body()).isEqualTo(payload.body());
        }
        // GET and DELETE are refused the same way
        assertGenericUnauthorized(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp/u/"
                + flip(token, signatureChar))).header("Accept", "text/event-stream").GET().build()));
    }

    @Test
    void anExpiredUrlGets401() throws Exception {
        JsonNode minted = mint("{\"expires_in_seconds\":1}");
        String token = minted.path("token").asText();
        Instant expires = Instant.parse(minted.path("expires_at").asText());
        assertThat(expires).isAfter(Instant.now().minusSeconds(1)).isBefore(Instant.now().plusSeconds(3));
        while (Instant.now().isBefore(expires.plusMillis(200))) {
            Thread.sleep(100);
        }
        assertGenericUnauthorized(send(scoped(token, INIT).build()));
    }

    @Test
    void aRevokedUrlGets401() throws Exception {
        JsonNode minted = mint("{\"expires_in_seconds\":600}");
        String token = minted.path("token").asText();
        assertThat(send(scoped(token, INIT).build()).statusCode()).isEqualTo(200);
        assertThat(revoke(minted.path("id").asText()).statusCode()).isEqualTo(204);
        assertGenericUnauthorized(send(scoped(token, INIT).build()));
        assertThat(revoke(minted.path("id").asText()).statusCode()).as("revoking twice is fine").isEqualTo(204);
    }

    @Test
    void revocationsSurviveARestartOfTheDatabase(@TempDir Path dir) {
        String url = "jdbc:h2:file:" + dir.resolve("gateway").toAbsolutePath() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        Instant now = Instant.now();
        ScopedUrlRecord record = new ScopedUrlRecord("restart-1", "demo", "acme", List.of("sql"), List.of("execute_sql"),
                true, false, "label", "k-new", now, now.plusSeconds(600), null);
        DriverManagerDataSource dataSource = new DriverManagerDataSource(url, "sa", "");
        org.flywaydb.core.Flyway.configure().dataSource(dataSource).load().migrate();   // the schema, as at startup
        JdbcTemplate first = new JdbcTemplate(dataSource);
        ScopedUrlRepository before = new ScopedUrlRepository(first);
        before.insert(record);
        assertThat(before.revoke("other-tenant", "restart-1", now)).isFalse();
        assertThat(before.revoke("demo", "restart-1", now)).isTrue();
        first.execute("SHUTDOWN");

        ScopedUrlRepository after = new ScopedUrlRepository(new JdbcTemplate(new DriverManagerDataSource(url, "sa", "")));
        ScopedUrlRecord read = after.find("restart-1").orElseThrow();
        assertThat(read.revokedAt()).isNotNull();
        assertThat(read.status(Instant.now())).isEqualTo("revoked");
        assertThat(read.groups()).containsExactly("sql");
        assertThat(read.tools()).containsExactly("execute_sql");
        assertThat(read.expiresAt().getEpochSecond()).isEqualTo(record.expiresAt().getEpochSecond());
    }

    @Test
    void aRotatedOutKeyIsRefusedWhileAnOldConfiguredKeyStillWorks() throws Exception {
        byte[] oldKey = randomKey();
        byte[] newKey = randomKey();
        ScopedUrlClaims claims = new ScopedUrlClaims("id-1", null, "demo", "acme", List.of("sql"), List.of(), true,
                Instant.now().plusSeconds(60).getEpochSecond(), false);
        String oldToken = new ScopedUrlSigner(Map.of("old", oldKey), null).sign(claims);
        ScopedUrlSigner rotated = new ScopedUrlSigner(Map.of("old", oldKey, "new", newKey), "new");
        String newToken = rotated.sign(claims);
        assertThat(newToken).startsWith("new.");
        assertThat(rotated.verify(oldToken)).isEqualTo(claims.withKid("old"));
        assertThat(rotated.verify(newToken)).isEqualTo(claims.withKid("new"));
        ScopedUrlSigner oldRemoved = new ScopedUrlSigner(Map.of("new", newKey), null);
        assertThat(oldRemoved.verify(newToken).id()).isEqualTo("id-1");
        assertThatThrownBy(() -> oldRemoved.verify(oldToken)).isInstanceOf(ScopedUrlSigner.InvalidToken.class);
        // same key id, another secret: refused
        assertThatThrownBy(() -> new ScopedUrlSigner(Map.of("old", randomKey()), null).verify(oldToken))
                .isInstanceOf(ScopedUrlSigner.InvalidToken.class);
        // keys are checked at startup
        assertThatThrownBy(() -> new ScopedUrlSigner(Map.of("short", new byte[16]), null)).hasMessageContaining("too short");
        assertThatThrownBy(() -> new ScopedUrlSigner(Map.of("a", oldKey, "b", newKey), null)).hasMessageContaining("active-key");
        assertThatThrownBy(() -> new ScopedUrlSigner(Map.of("a", oldKey), "b")).hasMessageContaining("names no configured key");
    }

    @Test
    void overHttpAStillConfiguredOldKeyWorksAndAnUnknownKeyGets401() throws Exception {
        JsonNode minted = mint("{\"expires_in_seconds\":600}");
        assertThat(minted.path("kid").asText()).isEqualTo("k-new");
        ScopedUrlClaims claims = new ScopedUrlClaims(minted.path("id").asText(), null, "demo", "acme", List.of(), List.of(),
                true, Instant.now().plusSeconds(600).getEpochSecond(), false);
        // the test profile's k-old is still configured (not active): a URL it signed keeps working
        byte[] kOld = Base64.getDecoder().decode(environment.getRequiredProperty("gateway.scoped-urls.keys.k-old"));
        String withOldKey = new ScopedUrlSigner(Map.of("k-old", kOld), null).sign(claims);
        assertThat(send(scoped(withOldKey, INIT).build()).statusCode()).isEqualTo(200);
        // a key the gateway does not have (rotated out and removed)
        assertGenericUnauthorized(send(scoped(new ScopedUrlSigner(Map.of("k-gone", randomKey()), null).sign(claims), INIT).build()));
    }

    @Test
    void aUrlThatNeedsAKeycloakTokenIsRefusedInUnauthenticatedMode() throws Exception {
        JsonNode minted = mint("{\"requires_token\":true,\"expires_in_seconds\":600}");
        assertThat(minted.path("requires_token").asBoolean()).isTrue();
        assertThat(minted.path("warning").asText()).contains("no OAuth issuer");
        assertGenericUnauthorized(send(scoped(minted.path("token").asText(), INIT).build()));
        assertGenericUnauthorized(send(scoped(minted.path("token").asText(), INIT)
                .header("Authorization", "Bearer not.a.jwt").build()));
    }

    @Test
    void aSessionOfOneUrlIsUnknownThroughAnother() throws Exception {
        String first = mint("{\"expires_in_seconds\":600}").path("token").asText();
        String second = mint("{\"expires_in_seconds\":600}").path("token").asText();
        HttpResponse<String> init = send(scoped(first, INIT).build());
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        String list = request(2, "tools/list", Map.of());
        assertThat(send(scoped(first, list).header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25")
                .build()).statusCode()).isEqualTo(200);
        assertThat(send(scoped(second, list).header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25")
                .build()).statusCode()).isEqualTo(404);
        assertThat(send(inSession(session, list).build()).statusCode()).as("nor through /mcp").isEqualTo(404);
    }
}
