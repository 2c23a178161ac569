package dev.lakehouse.gateway.databricks;

import static dev.lakehouse.gateway.databricks.ToolCalls.args;
import static dev.lakehouse.gateway.databricks.ToolCalls.error;
import static dev.lakehouse.gateway.databricks.ToolCalls.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/**
 * Unity Catalog functions (their parameters as a JSON Schema, a call with bound named arguments through the SQL flow)
 * and lineage (upstream and downstream tables and columns) against the emulator's seeded main.default schema.
 */
class FunctionsAndLineageToolsTest extends GatewayTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    Environment environment;

    private McpSyncClient client;

    @BeforeEach
    void connect() {
        client = McpTestClients.plain(port, null);
    }

    @AfterEach
    void close() {
        client.closeGracefully();
    }

    private JsonNode rows(Map<String, Object> arguments) {
        McpSchema.CallToolResult result = McpTestClients.call(client, "execute_function", arguments);
        assertThat(result.isError()).as(McpTestClients.text(result)).isFalse();
        return JSON.valueToTree(result.structuredContent());
    }

    @Test
    void aFunctionsParametersBecomeAJsonSchema() {
        JsonNode described = ok(client, "describe_function", Map.of("full_name", "main.default.net_price"));
        assertThat(described.path("table_function").asBoolean()).isFalse();
        JsonNode schema = described.path("input_schema");
        assertThat(schema.path("properties").fieldNames()).toIterable().containsExactly("price", "discount");
        assertThat(schema.path("properties").path("price").path("type").asText()).isEqualTo("number");
        assertThat(schema.path("required").toString()).contains("price");
        JsonNode table = ok(client, "describe_function", Map.of("full_name", "main.default.employees_in_department"));
        assertThat(table.path("table_function").asBoolean()).isTrue();
        assertThat(table.path("return_columns").findValuesAsText("name")).contains("emp_id");
    }

    @Test
    void aFunctionIsCalledWithBoundNamedArguments() {
        JsonNode scalar = rows(args("full_name", "main.default.net_price", "arguments", Map.of("price", 10.0, "discount", 0.1)));
        assertThat(scalar.path("rows").size()).as(scalar.toString()).isEqualTo(1);
        assertThat(Double.parseDouble(scalar.path("rows").get(0).get(0).asText())).isEqualTo(9.0);
        JsonNode table = rows(args("full_name", "main.default.employees_in_department",
                "arguments", Map.of("dept", "Engineering"), "row_limit", 3));
        assertThat(table.path("row_count").asInt()).isBetween(1, 3);
        assertThat(table.path("columns").findValuesAsText("name")).contains("emp_id");
        // a value is a parameter, never SQL: a hostile one is just a department nobody works in
        JsonNode hostile = rows(args("full_name", "main.default.employees_in_department",
                "arguments", Map.of("dept", "x') OR 1=1 --")));
        assertThat(hostile.path("row_count").asInt()).isZero();
    }

    @Test
    void badFunctionCallsAreClearToolErrors() {
        assertThat(error(client, "execute_function", args("full_name", "main.default.net_price",
                "arguments", Map.of("price", 1, "colour", "red")))).contains("no parameter 'colour'").contains("price, discount");
        assertThat(error(client, "execute_function", args("full_name", "main.default.net_price",
                "arguments", Map.of("discount", 0.1)))).contains("'price'").contains("required");
        assertThat(error(client, "execute_function", args("full_name", "main.default.nope", "arguments", Map.of())))
                .contains("list_functions");
        assertThat(error(client, "execute_function", args("full_name", "main.default.x; DROP TABLE y")))
                .contains("full_name");
    }

    @Test
    void tableLineageNamesUpstreamAndDownstreamTables() {
        JsonNode headcount = ok(client, "get_table_lineage", Map.of("full_name", "main.default.department_headcount"));
        assertThat(headcount.path("upstreams").findValuesAsText("table"))
                .contains("main.default.employees", "main.default.departments");
        JsonNode employees = ok(client, "get_table_lineage", Map.of("full_name", "main.default.employees"));
        assertThat(employees.path("downstreams").findValuesAsText("table")).contains("main.default.department_headcount");
        JsonNode columns = ok(client, "get_column_lineage", Map.of("full_name", "main.default.department_headcount",
                "column", "dept_name"));
        assertThat(columns.path("upstream_columns").findValuesAsText("column")).contains("main.default.departments.dept_name");
        assertThat(error(client, "get_table_lineage", Map.of("full_name", "main.default.no_such_table"))).contains("three-part");
        assertThat(error(client, "get_table_lineage", Map.of("full_name", "not-three-parts"))).contains("full_name");
    }

    @Test
    void theNewToolsAreOffWhereTheConnectionTurnsTheirGroupsOff() {
        Map<String, Map<String, Object>> calls = Map.of(
                "describe_function", Map.of("full_name", "main.default.net_price"),
                "list_genie_spaces", Map.of(),
                "list_volume_directory", Map.of("path", "/Volumes/main/default/landing"),
                "export_notebook", Map.of("path", "/Shared/Reports/Headcount"),
                "list_vector_search_endpoints", Map.of());
        calls.forEach((tool, arguments) -> {
            Map<String, Object> onLocked = new java.util.HashMap<>(arguments);
            onLocked.put("workspace", "acme-locked");
            assertThat(error(client, tool, onLocked)).as(tool).contains("not enabled on workspace 'acme-locked'");
        });
    }
}
