package dev.lakehouse.gateway.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
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

/** search_tools over the whole catalog, and tools/list complete and paged for clients that want every tool. */
class ToolDisclosureTest extends GatewayTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private McpSyncClient client;

    @BeforeEach
    void connect() {
        client = McpTestClients.plain(port, null);
    }

    @AfterEach
    void close() {
        client.closeGracefully();
    }

    private JsonNode search(Map<String, Object> arguments) throws Exception {
        McpSchema.CallToolResult result = McpTestClients.call(client, "search_tools", arguments);
        assertThat(result.isError()).as(McpTestClients.text(result)).isFalse();
        return JSON.readTree(McpTestClients.text(result));
    }

    private static List<String> names(JsonNode answer) {
        List<String> names = new ArrayList<>();
        answer.path("tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    @Test
    void searchFindsToolsByWhatTheAgentWantsToDo() throws Exception {
        assertThat(names(search(Map.of("query", "read a file from a volume"))).get(0)).isEqualTo("read_volume_file");
        assertThat(names(search(Map.of("query", "genie question")))).startsWith("ask_genie");
        JsonNode lineage = search(Map.of("query", "lineage", "limit", 5));
        assertThat(names(lineage)).containsExactlyInAnyOrder("get_table_lineage", "get_column_lineage");
        // with the schema, so the agent can call the tool directly
        assertThat(lineage.path("tools").get(0).path("inputSchema").path("required").toString()).contains("full_name");
        // a group narrows the search
        JsonNode files = search(Map.of("query", "list directory", "group", "files"));
        assertThat(files.path("tools").findValuesAsText("group")).containsOnly("files");
        assertThat(names(files)).contains("list_volume_directory", "list_dbfs_directory")
                .doesNotContain("list_workspace_objects");
        assertThat(search(Map.of("query", "zzzz qqqq")).path("count").asInt()).isZero();
    }

    @Test
    void searchOnlyFindsToolsTheCallerMaySee() throws Exception {
        // acme's compute group is confirm: its tools are visible; a hidden tool never shows up in a search
        assertThat(names(search(Map.of("query", "cluster", "limit", 25)))).contains("start_cluster");
        McpSchema.CallToolResult bad = McpTestClients.call(client, "search_tools", Map.of("query", ""));
        assertThat(bad.isError()).isTrue();
    }

    @Test
    void toolsListIsCompleteAndPaged() {
        List<String> listed = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            McpSchema.ListToolsResult page = client.listTools(cursor);
            page.tools().forEach(t -> listed.add(t.name()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null && pages < 20);
        assertThat(listed).contains("search_tools", "ask_genie", "query_vector_search_index", "read_volume_file",
                "read_dbfs_file", "export_notebook", "get_table_lineage", "describe_function", "execute_function");
        assertThat(listed).doesNotHaveDuplicates();
        assertThat(listed.size()).isGreaterThanOrEqualTo(50);
    }
}
