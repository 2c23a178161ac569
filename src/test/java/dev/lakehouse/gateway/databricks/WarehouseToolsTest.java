package dev.lakehouse.gateway.databricks;

import static dev.lakehouse.gateway.databricks.ToolCalls.args;
import static dev.lakehouse.gateway.databricks.ToolCalls.error;
import static dev.lakehouse.gateway.databricks.ToolCalls.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SQL warehouse tools against the embedded emulator. On acme the group is 'read' (start/stop hidden), on globex
 * 'on'. Only the "Reporting Warehouse" is started and stopped: SQL and job tests rely on the running "Starter" ones.
 */
class WarehouseToolsTest extends GatewayTestBase {

    static final String ACME_STARTER = "abe1d5bac8fac744";        // RUNNING
    static final String ACME_REPORTING = "0a392d36f9451065";      // STOPPED
    static final String GLOBEX_STARTER = "ac7c3b7a426c825f";      // RUNNING
    static final String GLOBEX_REPORTING = "8add5d7f9d00073e";    // STOPPED

    private McpSyncClient client;

    @BeforeEach
    void connect() {
        client = McpTestClients.plain(port, null);
    }

    @AfterEach
    void close() {
        client.closeGracefully();
    }

    private static Map<String, Object> warehouse(String id, String workspace) {
        return workspace == null ? args("warehouse_id", id) : args("warehouse_id", id, "workspace", workspace);
    }

    private void awaitState(String id, String workspace, String state) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                .until(() -> ok(client, "get_sql_warehouse", warehouse(id, workspace)).path("state").asText().equals(state));
    }

    @Test
    void listAndGetOnTheDefaultWorkspace() {
        JsonNode page = ok(client, "list_sql_warehouses", Map.of());
        assertThat(page.path("count").asInt()).isEqualTo(2);
        assertThat(page.path("warehouses").findValuesAsText("id")).containsExactlyInAnyOrder(ACME_STARTER, ACME_REPORTING);
        assertThat(page.path("warehouses").get(0).has("odbc_params")).as("only the listed fields").isFalse();

        JsonNode first = ok(client, "list_sql_warehouses", args("page_size", 1));
        assertThat(first.path("warehouses")).hasSize(1);
        JsonNode second = ok(client, "list_sql_warehouses", args("page_size", 1, "cursor", first.path("next_cursor").asText()));
        assertThat(second.path("warehouses").get(0).path("id").asText())
                .isNotEqualTo(first.path("warehouses").get(0).path("id").asText());

        JsonNode starter = ok(client, "get_sql_warehouse", warehouse(ACME_STARTER, null));
        assertThat(starter.path("name").asText()).isEqualTo("Starter Warehouse");
        assertThat(starter.path("state").asText()).isEqualTo("RUNNING");
        assertThat(starter.path("health").path("status").asText()).isEqualTo("HEALTHY");
        assertThat(starter.path("next_step").asText()).contains("accepts SQL");
    }

    @Test
    void startAndStopOnGlobexReturnAtOnceWithTheNewState() {
        awaitState(GLOBEX_REPORTING, "globex", "STOPPED");

        JsonNode started = ok(client, "start_sql_warehouse", warehouse(GLOBEX_REPORTING, "globex"));
        assertThat(started.path("requested").asText()).isEqualTo("start");
        assertThat(started.path("state").asText()).isEqualTo("STARTING");
        assertThat(started.path("next_step").asText()).contains("get_sql_warehouse").contains("RUNNING");
        awaitState(GLOBEX_REPORTING, "globex", "RUNNING");

        JsonNode again = ok(client, "start_sql_warehouse", warehouse(GLOBEX_REPORTING, "globex"));
        assertThat(again.path("next_step").asText()).contains("RUNNING already");

        JsonNode stopped = ok(client, "stop_sql_warehouse", warehouse(GLOBEX_REPORTING, "globex"));
        assertThat(stopped.path("state").asText()).isEqualTo("STOPPING");
        assertThat(stopped.path("next_step").asText()).contains("STOPPED");
        awaitState(GLOBEX_REPORTING, "globex", "STOPPED");
        assertThat(ok(client, "get_sql_warehouse", warehouse(GLOBEX_REPORTING, "globex")).path("next_step").asText())
                .contains("start_sql_warehouse");
    }

    @Test
    void stateChangesAreNotEnabledWhereTheGroupIsRead() {
        String text = error(client, "start_sql_warehouse", warehouse(ACME_REPORTING, null));
        assertThat(text).contains("start_sql_warehouse is not enabled on workspace 'acme'");
        assertThat(error(client, "stop_sql_warehouse", warehouse(ACME_STARTER, "acme")))
                .contains("not enabled on workspace 'acme'");
        assertThat(ok(client, "get_sql_warehouse", warehouse(ACME_REPORTING, null)).path("state").asText()).isEqualTo("STOPPED");
        assertThat(ok(client, "get_sql_warehouse", warehouse(ACME_STARTER, null)).path("state").asText()).isEqualTo("RUNNING");

        assertThat(error(client, "list_sql_warehouses", args("workspace", "acme-locked")))
                .contains("not enabled on workspace 'acme-locked'");
    }

    @Test
    void unknownOrMalformedWarehouseIdsAreToolErrors() {
        String unknown = error(client, "get_sql_warehouse", warehouse("0000000000000000", null));
        assertThat(unknown).contains("RESOURCE_DOES_NOT_EXIST").contains("list_sql_warehouses");
        String path = error(client, "get_sql_warehouse", warehouse("../../2.1/clusters/list", null));
        assertThat(path).contains("Invalid arguments");
        assertThat(error(client, "start_sql_warehouse", warehouse("0000000000000000", "globex"))).contains("list_sql_warehouses");
    }
}
