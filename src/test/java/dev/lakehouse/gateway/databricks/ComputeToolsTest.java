package dev.lakehouse.gateway.databricks;

import static dev.lakehouse.gateway.databricks.ToolCalls.args;
import static dev.lakehouse.gateway.databricks.ToolCalls.error;
import static dev.lakehouse.gateway.databricks.ToolCalls.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The compute tools against the embedded emulator. On acme the group is 'confirm' (state changes ask the human), on
 * globex 'on'. The emulator outlives each test, so every test first waits for the states it starts from.
 */
class ComputeToolsTest extends GatewayTestBase {

    static final String ACME_SHARED = "0101-120000-4bee826a";       // RUNNING
    static final String ACME_ETL = "0101-120000-5dad04ff";          // TERMINATED
    static final String GLOBEX_SHARED = "0101-120000-7abfa270";     // RUNNING
    static final String GLOBEX_ETL = "0101-120000-204c5505";        // TERMINATED
    static final Duration SETTLE = Duration.ofSeconds(15);

    private final List<McpSyncClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(McpSyncClient::closeGracefully);
    }

    private McpSyncClient plain() {
        McpSyncClient client = McpTestClients.plain(port, null);
        clients.add(client);
        return client;
    }

    private McpSyncClient answering(boolean yes, List<McpSchema.ElicitRequest> asked) {
        McpSyncClient client = McpTestClients.withElicitation(port, yes ? McpTestClients::yes : McpTestClients::no, asked);
        clients.add(client);
        return client;
    }

    private static Map<String, Object> cluster(String id, String workspace) {
        return workspace == null ? args("cluster_id", id) : args("cluster_id", id, "workspace", workspace);
    }

    private static String state(McpSyncClient client, String id, String workspace) {
        return ok(client, "get_cluster", cluster(id, workspace)).path("state").asText();
    }

    private static void awaitState(McpSyncClient client, String id, String workspace, String state) {
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(250)).until(() -> state(client, id, workspace).equals(state));
    }

    @Test
    void listAndGetClustersOnTheDefaultWorkspace() {
        McpSyncClient client = plain();
        JsonNode page = ok(client, "list_clusters", Map.of());
        assertThat(page.path("count").asInt()).isEqualTo(2);
        assertThat(page.path("clusters").findValuesAsText("cluster_id")).containsExactlyInAnyOrder(ACME_SHARED, ACME_ETL);
        assertThat(page.path("clusters").get(0).has("default_tags")).as("only the listed fields").isFalse();

        JsonNode first = ok(client, "list_clusters", args("page_size", 1));
        assertThat(first.path("clusters")).hasSize(1);
        JsonNode second = ok(client, "list_clusters", args("page_size", 1, "cursor", first.path("next_cursor").asText()));
        assertThat(second.path("clusters")).hasSize(1);
        assertThat(second.has("next_cursor")).isFalse();
        assertThat(second.path("clusters").get(0).path("cluster_id").asText())
                .isNotEqualTo(first.path("clusters").get(0).path("cluster_id").asText());

        awaitState(client, ACME_SHARED, null, "RUNNING");
        JsonNode shared = ok(client, "get_cluster", cluster(ACME_SHARED, null));
        assertThat(shared.path("cluster_name").asText()).isEqualTo("acme-shared-cluster");
        assertThat(shared.path("num_workers").asInt()).isEqualTo(2);
        assertThat(shared.path("start_time").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
        assertThat(shared.path("next_step").asText()).contains("ready");
    }

    @Test
    void startAndTerminateOnAConfirmGroupAskTheHumanAndRunOnYes() {
        List<McpSchema.ElicitRequest> asked = McpTestClients.recorder();
        McpSyncClient client = answering(true, asked);
        awaitState(client, ACME_ETL, null, "TERMINATED");

        JsonNode started = ok(client, "start_cluster", cluster(ACME_ETL, null));
        assertThat(asked).hasSize(1);
        assertThat(asked.get(0).message()).contains("start_cluster").contains("'acme'").contains(ACME_ETL);
        assertThat(started.path("requested").asText()).isEqualTo("start");
        assertThat(started.path("state").asText()).isEqualTo("PENDING");
        assertThat(started.path("next_step").asText()).contains("get_cluster").contains("RUNNING");
        awaitState(client, ACME_ETL, null, "RUNNING");

        JsonNode terminated = ok(client, "terminate_cluster", cluster(ACME_ETL, null));
        assertThat(asked).hasSize(2);
        assertThat(asked.get(1).message()).contains("terminate_cluster").contains("'acme'");
        assertThat(terminated.path("state").asText()).isEqualTo("TERMINATING");
        assertThat(terminated.path("next_step").asText()).contains("TERMINATED");
        awaitState(client, ACME_ETL, null, "TERMINATED");
        JsonNode after = ok(client, "get_cluster", cluster(ACME_ETL, null));
        assertThat(after.path("termination_reason").path("code").asText()).isEqualTo("USER_REQUEST");
        // reads never ask
        assertThat(asked).hasSize(2);
    }

    @Test
    void aHumanNoChangesNothing() {
        List<McpSchema.ElicitRequest> asked = McpTestClients.recorder();
        McpSyncClient client = answering(false, asked);
        awaitState(client, ACME_ETL, null, "TERMINATED");
        awaitState(client, ACME_SHARED, null, "RUNNING");

        String start = error(client, "start_cluster", cluster(ACME_ETL, null));
        assertThat(start).contains("did not allow start_cluster").contains("Nothing was changed");
        String terminate = error(client, "terminate_cluster", cluster(ACME_SHARED, null));
        assertThat(terminate).contains("did not allow terminate_cluster");
        assertThat(asked).hasSize(2);
        assertThat(asked.get(1).message()).contains("terminate_cluster").contains("'acme'").contains(ACME_SHARED);

        assertThat(state(client, ACME_ETL, null)).isEqualTo("TERMINATED");
        assertThat(state(client, ACME_SHARED, null)).isEqualTo("RUNNING");
    }

    @Test
    void aClientWithoutElicitationGetsAClearErrorOnAConfirmGroup() {
        McpSyncClient client = plain();
        awaitState(client, ACME_SHARED, null, "RUNNING");
        String text = error(client, "terminate_cluster", cluster(ACME_SHARED, null));
        assertThat(text).contains("needs a human's confirmation").contains("does not support elicitation").contains("'acme'");
        assertThat(state(client, ACME_SHARED, null)).isEqualTo("RUNNING");
    }

    @Test
    void restartAndResizeOnGlobexWithoutConfirmation() {
        McpSyncClient client = plain();
        awaitState(client, GLOBEX_SHARED, "globex", "RUNNING");

        JsonNode restarted = ok(client, "restart_cluster", cluster(GLOBEX_SHARED, "globex"));
        assertThat(restarted.path("state").asText()).isEqualTo("RESTARTING");
        assertThat(restarted.path("requested").asText()).isEqualTo("restart");
        awaitState(client, GLOBEX_SHARED, "globex", "RUNNING");

        Map<String, Object> autoscale = cluster(GLOBEX_SHARED, "globex");
        autoscale.put("autoscale", Map.of("min_workers", 1, "max_workers", 3));
        JsonNode resized = ok(client, "resize_cluster", autoscale);
        assertThat(resized.path("state").asText()).isEqualTo("RESIZING");
        assertThat(resized.path("autoscale").path("max_workers").asInt()).isEqualTo(3);
        awaitState(client, GLOBEX_SHARED, "globex", "RUNNING");

        Map<String, Object> fixed = cluster(GLOBEX_SHARED, "globex");
        fixed.put("num_workers", 2);
        assertThat(ok(client, "resize_cluster", fixed).path("num_workers").asInt()).isEqualTo(2);
        awaitState(client, GLOBEX_SHARED, "globex", "RUNNING");
        assertThat(ok(client, "get_cluster", cluster(GLOBEX_SHARED, "globex")).has("autoscale")).isFalse();
    }

    @Test
    void stateConflictsAnswerWithAHintForTheStateTheClusterIsIn() {
        McpSyncClient client = plain();
        awaitState(client, GLOBEX_SHARED, "globex", "RUNNING");
        awaitState(client, GLOBEX_ETL, "globex", "TERMINATED");

        String start = error(client, "start_cluster", cluster(GLOBEX_SHARED, "globex"));
        assertThat(start).contains("INVALID_STATE").contains("Cluster " + GLOBEX_SHARED + " is RUNNING already; no need to start it");

        Map<String, Object> resize = cluster(GLOBEX_ETL, "globex");
        resize.put("num_workers", 3);
        String refused = error(client, "resize_cluster", resize);
        assertThat(refused).contains("INVALID_STATE").contains("TERMINATED").contains("start_cluster first");
        assertThat(state(client, GLOBEX_ETL, "globex")).isEqualTo("TERMINATED");

        String restart = error(client, "restart_cluster", cluster(GLOBEX_ETL, "globex"));
        assertThat(restart).contains("start_cluster, not restarted");

        Map<String, Object> both = cluster(GLOBEX_SHARED, "globex");
        both.put("num_workers", 3);
        both.put("autoscale", Map.of("min_workers", 1, "max_workers", 2));
        assertThat(error(client, "resize_cluster", both)).contains("exactly one of num_workers");
        assertThat(ok(client, "get_cluster", cluster(GLOBEX_SHARED, "globex")).path("num_workers").asInt()).isEqualTo(2);
    }

    @Test
    void unknownClusterIsAToolErrorWithAHint() {
        McpSyncClient client = plain();
        String text = error(client, "get_cluster", cluster("0101-000000-deadbeef", null));
        assertThat(text).contains("Cluster 0101-000000-deadbeef does not exist").contains("list_clusters");
        String globex = error(client, "terminate_cluster", cluster("0101-000000-deadbeef", "globex"));
        assertThat(globex).contains("does not exist").contains("list_clusters");
    }

    @Test
    void aLockedWorkspaceExposesNoComputeTool() {
        McpSyncClient client = plain();
        assertThat(error(client, "list_clusters", args("workspace", "acme-locked")))
                .contains("list_clusters is not enabled on workspace 'acme-locked'");
        assertThat(error(client, "start_cluster", cluster(ACME_ETL, "acme-locked")))
                .contains("not enabled on workspace 'acme-locked'");
    }
}
