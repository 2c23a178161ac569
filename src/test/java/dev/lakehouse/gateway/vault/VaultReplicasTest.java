package dev.lakehouse.gateway.vault;

import static dev.lakehouse.gateway.vault.VaultTesting.admin;
import static dev.lakehouse.gateway.vault.VaultTesting.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.GatewayApplication;
import dev.lakehouse.gateway.databricks.EmulatorAdmin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Three gateway instances (this test's and two more in the same JVM) share one PostgreSQL database, as replicas behind
 * a load balancer do. At the moment a grant's token expires, 50 concurrent tool calls on each instance make exactly one
 * token request (a single-use refresh token is never spent twice); then the master key rotates under load.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"conformance", "test"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VaultReplicasTest {

    private static final int CALLS_PER_INSTANCE = 50;
    private static String databaseUrl;

    @LocalServerPort
    int port;
    @Autowired
    Environment environment;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ConnectionVault vault;
    @Autowired
    WorkspaceOAuth oauth;
    @Autowired
    GrantTokens grantTokens;

    private final List<ConfigurableApplicationContext> others = new ArrayList<>();

    @BeforeAll
    static void needsPostgres() {
        Assumptions.assumeTrue(VaultTesting.postgresReachable(), "no PostgreSQL on 127.0.0.1:5432 (user postgres)");
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        if (VaultTesting.postgresReachable()) {
            databaseUrl = VaultTesting.freshPostgresDatabase("vaultreplicas");
            registry.add("spring.datasource.url", () -> databaseUrl);
            registry.add("spring.datasource.username", () -> "postgres");
            registry.add("spring.datasource.password", () -> "");
        }
    }

    @AfterAll
    void stopOthers() {
        others.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void fiftyCallsOnEachOfThreeInstancesAtExpiryMakeExactlyOneTokenRequest() throws Exception {
        String workspace = environment.getProperty("emulator.url.acme").replaceAll("/+$", "");
        EmulatorAdmin emulator = EmulatorAdmin.at(workspace);
        emulator.call("PUT", "/oauth", map("rotate_refresh_tokens", true, "access_token_lifetime_seconds", 3600));
        try {
            VaultConnection c = signedInSharedConnection(workspace, emulator, "replicated");
            ConfigurableApplicationContext second = start();
            ConfigurableApplicationContext third = start();
            List<Integer> ports = List.of(port, port(second), port(third));
            List<GrantTokens> lifecycles = List.of(grantTokens, second.getBean(GrantTokens.class), third.getBean(GrantTokens.class));
            for (int p : ports) {
                assertThat(callTool(p, session(p), 1, "replicated")).as("instance on " + p).isTrue();
            }

            // the token expires now: every instance finds it unusable at once
            Instant past = Instant.now().minusSeconds(1);
            jdbc.update("UPDATE vault_grants SET access_expires_at = ?, refresh_due_at = ? WHERE connection_id = ?",
                    past.atOffset(ZoneOffset.UTC), past.atOffset(ZoneOffset.UTC), c.id());
            lifecycles.forEach(l -> l.forget(c));
            emulator.clearRequests();
            // a slow token endpoint keeps the race open: every instance sees the expired token while one refreshes
            emulator.addFault(map("kind", "LATENCY", "family", "token", "latency_ms", 1500, "count", 3));

            ExecutorService pool = Executors.newFixedThreadPool(ports.size() * CALLS_PER_INSTANCE);
            try {
                List<Future<Boolean>> calls = new ArrayList<>();
                for (int p : ports) {
                    String session = session(p);
                    for (int i = 0; i < CALLS_PER_INSTANCE; i++) {
                        int id = 100 + i;
                        calls.add(pool.submit(() -> callTool(p, session, id, "replicated")));
                    }
                }
                int succeeded = 0;
                for (Future<Boolean> call : calls) {
                    succeeded += call.get() ? 1 : 0;
                }
                assertThat(succeeded).as("tool calls that succeeded").isEqualTo(ports.size() * CALLS_PER_INSTANCE);
            } finally {
                pool.shutdownNow();
            }
            JsonNode tokenRequests = emulator.requests().path("token_requests");
            assertThat(tokenRequests.path("refresh_token").asInt()).as("token requests across three instances").isEqualTo(1);
            assertThat(tokenRequests.path("failed").asInt()).as("refused token requests (invalid_grant)").isZero();
            assertThat(vault.grants(c).get(0).status()).isEqualTo(ConnectionStatus.ACTIVE);
            emulator.clearFaults();

            masterKeyRotatesWhileAllInstancesServe(ports, c);
        } finally {
            emulator.call("DELETE", "/oauth", null);
        }
    }

    /** A fourth instance makes test2 the active key and re-wraps at startup while the three serve calls. */
    private void masterKeyRotatesWhileAllInstancesServe(List<Integer> ports, VaultConnection c) throws Exception {
        assertThat(jdbc.queryForObject("SELECT data_key_kid FROM vault_connections WHERE id = ?", String.class, c.id()))
                .isEqualTo("test1");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService load = Executors.newFixedThreadPool(ports.size());
        List<Future<?>> loops = new ArrayList<>();
        for (int p : ports) {
            String session = session(p);
            loops.add(load.submit((Callable<Void>) () -> {
                int id = 1000;
                while (running.get()) {
                    (callTool(p, session, id++, "replicated") ? ok : failed).incrementAndGet();
                }
                return null;
            }));
        }
        ConfigurableApplicationContext rotated = start("--gateway.vault.active-key=test2");
        Thread.sleep(1000);   // calls keep running on the re-wrapped key
        running.set(false);
        for (Future<?> loop : loops) {
            loop.get();
        }
        load.shutdownNow();
        assertThat(failed.get()).as("calls failed during the rotation").isZero();
        assertThat(ok.get()).isGreaterThan(ports.size());
        assertThat(jdbc.queryForObject("SELECT data_key_kid FROM vault_connections WHERE id = ?", String.class, c.id()))
                .isEqualTo("test2");
        rotated.close();
        others.remove(rotated);
        // the old key removed: an instance that only knows test2 still opens everything
        ConfigurableApplicationContext onlyNew = start("--gateway.vault.active-key=test2", "--gateway.vault.master-keys.test1=");
        assertThat(callTool(port(onlyNew), session(port(onlyNew)), 1, "replicated")).isTrue();
    }

    private VaultConnection signedInSharedConnection(String workspace, EmulatorAdmin emulator, String name) throws Exception {
        JsonNode app = emulator.call("POST", "/oauth-apps", map("redirect_uris", List.of(VaultTesting.REDIRECT)));
        String secret = app.path("client_secret").asText();
        HttpResponse<String> created = admin(port, "POST", "/tenants/demo/connections", map("name", name, "host", workspace,
                "auth", "oauth-u2m", "grant", "shared", "client_id", app.path("client_id").asText(), "client_secret", secret), null);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        VaultConnection c = vault.connection("demo", name).orElseThrow();
        String[] code = VaultTesting.signIn(workspace, c.clientId(), "alice@acme.example", "acme-password");
        WorkspaceOAuth.Tokens tokens = oauth.authorizationCode(workspace, c.clientId(), secret, code[0], code[1],
                VaultTesting.REDIRECT);
        vault.storeGrant(c, null, tokens, oauth.me(workspace, tokens.accessToken()));
        return c;
    }

    /** Another gateway instance on the same database (no emulator of its own: connections name the workspace URL). */
    private ConfigurableApplicationContext start(String... extra) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--emulator.embedded=false",
                "--camel.main.jmx-enabled=false", "--spring.datasource.url=" + databaseUrl,
                "--spring.datasource.username=postgres", "--spring.datasource.password="));
        args.addAll(List.of(extra));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(GatewayApplication.class)
                .profiles("conformance", "test").run(args.toArray(String[]::new));
        others.add(context);
        return context;
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    private static String session(int port) throws Exception {
        HttpResponse<String> response = post(port, null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{},"clientInfo":{"name":"replica-test","version":"1"}}}""");
        String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post(port, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return session;
    }

    /** One tools/call over raw HTTP; true when it answered a result that is not an error. */
    private static boolean callTool(int port, String session, int id, String workspace) throws Exception {
        HttpResponse<String> response = post(port, session, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"list_catalogs\",\"arguments\":{\"workspace\":\"" + workspace + "\"}}}");
        String body = response.body();
        return response.statusCode() == 200 && body.contains("\"result\"") && !body.contains("\"isError\":true");
    }

    private static HttpResponse<String> post(int port, String session, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        }
        return VaultTesting.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
