package dev.lakehouse.gateway.vault;

import static dev.lakehouse.gateway.vault.VaultTesting.admin;
import static dev.lakehouse.gateway.vault.VaultTesting.json;
import static dev.lakehouse.gateway.vault.VaultTesting.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.lakehouse.gateway.support.Ports;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lakehouse.gateway.GatewayApplication;
import dev.lakehouse.gateway.databricks.EmulatorAdmin;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PostgreSQL restarted under a running gateway: connection records, their encrypted secrets and their current tokens
 * are all still there, and tool calls go on without a new token request. A PostgreSQL cluster of the test's own
 * (Debian's initdb and pg_ctl, run as the postgres user, on a free loopback port), so restarting it disturbs nobody.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"conformance", "test"})
class PostgresRestartTest {

    private static final int PG_PORT = Ports.free();
    private static Path dataDir;

    @LocalServerPort
    int port;
    @Autowired
    Environment environment;
    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) throws Exception {
        Path bin = postgresBin();
        Assumptions.assumeTrue(bin != null, "no PostgreSQL server binaries under /usr/lib/postgresql");
        dataDir = Files.createTempDirectory("pg-restart-");
        run("chown", "postgres:postgres", dataDir.toString());
        asPostgres(bin.resolve("initdb").toString(), "-D", dataDir.resolve("data").toString(), "-A", "trust", "-U",
                "postgres", "--no-sync");
        pgCtl("start");
        registry.add("spring.datasource.url", () -> "jdbc:postgresql://127.0.0.1:" + PG_PORT + "/postgres");
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (dataDir != null) {
            pgCtl("stop");
            run("rm", "-rf", dataDir.toString());
        }
    }

    @Test
    void recordsSecretsAndTokensSurviveARestartAndCallsGoOn() throws Exception {
        String workspace = environment.getProperty("emulator.url.acme").replaceAll("/+$", "");
        EmulatorAdmin emulator = EmulatorAdmin.at(workspace);
        String pat = emulator.call("POST", "/pats", map("lifetime_seconds", 3600)).path("token").asText();
        assertThat(create(map("name", "pat-kept", "host", workspace, "auth", "pat", "token", pat)).statusCode()).isEqualTo(201);
        assertThat(create(map("name", "m2m-kept", "host", workspace, "auth", "oauth-m2m", "client_id", "acme-m2m-client",
                "client_secret", "acme-m2m-secret")).statusCode()).isEqualTo(201);
        McpSyncClient agent = McpTestClients.plain(port, null);
        try {
            for (String name : List.of("pat-kept", "m2m-kept")) {
                assertCatalogs(agent, name);
            }
            List<String> before = rows();
            long tokensBefore = emulator.requests().path("token_requests").path("client_credentials").asLong();

            pgCtl("restart");

            // the pool finds its connections dead and makes new ones: no call fails, no record or token is lost
            for (String name : List.of("pat-kept", "m2m-kept")) {
                assertCatalogs(agent, name);
            }
            assertThat(rows()).isEqualTo(before);
            assertThat(emulator.requests().path("token_requests").path("client_credentials").asLong())
                    .as("the M2M token stored before the restart still serves").isEqualTo(tokensBefore);
            JsonNode listed = json(admin(port, "GET", "/tenants/demo/connections", null, null).body()).path("connections");
            List<String> active = new ArrayList<>();
            listed.forEach(c -> active.add(c.path("name").asText() + ":" + c.path("status").asText()));
            assertThat(active).contains("pat-kept:active", "m2m-kept:active");
        } finally {
            agent.closeGracefully();
        }
    }

    private HttpResponse<String> create(Map<String, Object> body) {
        return admin(port, "POST", "/tenants/demo/connections", body, null);
    }

    private static void assertCatalogs(McpSyncClient agent, String workspace) {
        McpSchema.CallToolResult result = McpTestClients.call(agent, "list_catalogs", Map.of("workspace", workspace));
        assertThat(result.isError()).as(McpTestClients.text(result)).isFalse();
        assertThat(McpTestClients.text(result)).contains("\"catalogs\"");
    }

    /** Every vault row as text: connections (with their wrapped data keys) and grants (ciphertexts, expiries). */
    private List<String> rows() {
        List<String> rows = new ArrayList<>();
        for (String table : List.of("vault_connections", "vault_grants")) {
            jdbc.queryForList("SELECT * FROM " + table).forEach(row -> rows.add(table + " " + row));
        }
        rows.sort(String::compareTo);
        return rows;
    }

    private static void pgCtl(String action) throws Exception {
        asPostgres(postgresBin().resolve("pg_ctl").toString(), "-D", dataDir.resolve("data").toString(), "-w", "-m",
                "fast", "-l", dataDir.resolve("log").toString(), "-o", "-p " + PG_PORT
                        + " -k " + dataDir + " -c listen_addresses=127.0.0.1 -c fsync=off", action);
    }

    private static Path postgresBin() {
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl"))).findFirst()
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static void asPostgres(String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(List.of(command));
        run(full.toArray(String[]::new));
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }

}
