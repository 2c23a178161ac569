package dev.lakehouse.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The README walkthrough (explore the catalog, a slow statement with progress, a job run the human confirms) by the
 * official clients of both revisions against one gateway at the same time: the MCP Java SDK (2025-11-25, a session,
 * elicitation/create on the call's stream) and the official TypeScript SDK client v2 (src/test/node/walkthrough.mjs)
 * pinned to 2026-07-28 (server/discover, no session, the confirmation as an InputRequiredResult it fulfils and
 * retries by itself) and, as a control, the same script in its legacy mode.
 */
@TestPropertySource(properties = "gateway.tenants.demo.connections.acme.exposure.jobs=confirm") // as in the default run
class WalkthroughClientsTest extends GatewayTestBase {

    private static final String SLOW_SQL = "SELECT sleep(7) AS waited, count(*) AS orders FROM samples.tpch.orders";

    @Test
    void bothRevisionsWalkTheReadmeAtTheSameTime() throws Exception {
        ConformanceSuiteTest.installIfMissing();
        Process modern = walkthrough("2026-07-28");
        Process legacy = walkthrough("legacy");

        javaSdkWalkthrough();

        JsonNode seenModern = result(modern, "2026-07-28");
        assertThat(seenModern.path("negotiatedVersion").asText()).isEqualTo("2026-07-28");
        assertThat(seenModern.path("sessionId").isNull()).as("no session on 2026-07-28").isTrue();
        assertWalked(seenModern);

        JsonNode seenLegacy = result(legacy, "legacy");
        assertThat(seenLegacy.path("negotiatedVersion").asText()).isEqualTo("2025-11-25");
        assertThat(seenLegacy.path("sessionId").asText()).isNotBlank();
        assertWalked(seenLegacy);
    }

    /** What the TypeScript client saw: the catalog, rows after progress, and a run started after one question. */
    private static void assertWalked(JsonNode seen) {
        assertThat(seen.has("error")).as(seen.path("error").asText()).isFalse();
        assertThat(seen.path("tools").toString()).contains("list_catalogs", "execute_sql", "run_job");
        assertThat(seen.path("catalogs").path("text").asText()).contains("\"samples\"");
        assertThat(seen.path("tables").path("text").asText()).contains("samples.tpch.customer");
        JsonNode sql = seen.path("slowSql");
        assertThat(sql.path("isError").asBoolean()).as(sql.toString()).isFalse();
        assertThat(sql.path("structured").path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(sql.path("structured").path("rows").get(0).get(1).asText()).isEqualTo("30000");
        assertThat(seen.path("progress").size()).as("progress while the statement ran").isPositive();
        assertThat(seen.path("progress").get(0).path("message").asText()).contains("RUNNING");
        assertThat(seen.path("elicitations").size()).as("one confirmation question").isEqualTo(1);
        assertThat(seen.path("elicitations").get(0).asText()).contains("run_job").contains("'acme'");
        assertThat(seen.path("runJob").path("isError").asBoolean()).as(seen.path("runJob").toString()).isFalse();
        assertThat(seen.path("runJob").path("text").asText()).contains("\"run_id\"");
        assertThat(seen.path("jobRun").path("text").asText()).contains("\"life_cycle_state\"");
    }

    private void javaSdkWalkthrough() {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        List<McpSchema.ElicitRequest> asked = McpTestClients.recorder();
        McpSyncClient client = McpTestClients.withElicitation(port, McpTestClients::yes, asked, progress);
        try {
            assertThat(client.initialize().protocolVersion()).isEqualTo("2025-11-25");
            assertThat(McpTestClients.text(McpTestClients.call(client, "list_catalogs", Map.of()))).contains("\"samples\"");
            assertThat(McpTestClients.text(McpTestClients.call(client, "list_tables",
                    Map.of("catalog", "samples", "schema", "tpch", "page_size", 3)))).contains("samples.tpch.customer");
            McpSchema.CallToolResult sql = client.callTool(McpSchema.CallToolRequest.builder("execute_sql")
                    .arguments(Map.of("statement", SLOW_SQL)).progressToken("walk").build());
            assertThat(sql.isError()).as(McpTestClients.text(sql)).isFalse();
            assertThat(McpTestClients.text(sql)).contains("SUCCEEDED").contains("30000");
            assertThat(progress).as("progress while the statement ran").isNotEmpty();
            McpSchema.CallToolResult run = McpTestClients.call(client, "run_job", Map.of("job_id", 700000000001L));
            assertThat(run.isError()).as(McpTestClients.text(run)).isFalse();
            assertThat(McpTestClients.text(run)).contains("\"run_id\"");
            assertThat(asked).hasSize(1);
            assertThat(asked.get(0).message()).contains("run_job").contains("'acme'");
        } finally {
            client.closeGracefully();
        }
    }

    /** Starts the TypeScript walkthrough; the script sits beside the client's node_modules (ESM resolves from there). */
    private Process walkthrough(String revision) throws Exception {
        Path script = ConformanceSuiteTest.TOOLS.resolve("walkthrough.mjs");
        Files.copy(Path.of("src", "test", "node", "walkthrough.mjs"), script, StandardCopyOption.REPLACE_EXISTING);
        Path out = Files.createDirectories(Path.of("target", "walkthrough"));
        return new ProcessBuilder(ConformanceSuiteTest.node().toAbsolutePath().toString(), "walkthrough.mjs",
                "http://127.0.0.1:" + port + "/mcp", revision)
                .directory(ConformanceSuiteTest.TOOLS.toFile())
                .redirectOutput(out.resolve(revision + ".json").toFile())
                .redirectError(out.resolve(revision + ".stderr.txt").toFile())
                .start();
    }

    private static JsonNode result(Process process, String revision) throws Exception {
        boolean finished = process.waitFor(2, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        File out = Path.of("target", "walkthrough", revision + ".json").toFile();
        String printed = Files.readString(out.toPath(), StandardCharsets.UTF_8);
        String errors = Files.readString(Path.of("target", "walkthrough", revision + ".stderr.txt"), StandardCharsets.UTF_8);
        assertThat(finished).as("the " + revision + " walkthrough finished within 2 minutes").isTrue();
        assertThat(process.exitValue()).as(errors).isZero();
        return json(printed.trim());
    }
}
