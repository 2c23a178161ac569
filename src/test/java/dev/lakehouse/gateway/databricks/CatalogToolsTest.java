package dev.lakehouse.gateway.databricks;

import static dev.lakehouse.gateway.support.McpTestClients.call;
import static dev.lakehouse.gateway.support.McpTestClients.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/** The Unity Catalog tools against the embedded emulator, through the MCP Java SDK client. */
class CatalogToolsTest extends GatewayTestBase {

    private static final List<String> TPCH_TABLES = List.of("customer", "lineitem", "nation", "orders", "part",
            "region", "supplier");

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

    private JsonNode ok(String tool, Map<String, Object> arguments) throws Exception {
        McpSchema.CallToolResult result = call(client, tool, arguments);
        assertThat(result.isError()).as("%s %s -> %s", tool, arguments, text(result)).isFalse();
        return json(text(result));
    }

    private String error(String tool, Map<String, Object> arguments) {
        McpSchema.CallToolResult result = call(client, tool, arguments);
        assertThat(result.isError()).as("%s %s -> %s", tool, arguments, text(result)).isTrue();
        String text = text(result);
        // an answer for the model, never Java internals
        assertThat(text).doesNotContain("Exception", "\tat ", "java.", "dev.lakehouse");
        return text;
    }

    private static List<String> names(JsonNode items, String field) {
        List<String> names = new ArrayList<>();
        items.forEach(item -> names.add(item.path(field).asText()));
        return names;
    }

    @Test
    void listCatalogs() throws Exception {
        JsonNode page = ok("list_catalogs", Map.of());
        assertThat(names(page.path("catalogs"), "name")).contains("samples", "main");
        assertThat(page.path("count").asInt()).isEqualTo(page.path("catalogs").size());
        JsonNode samples = page.path("catalogs").get(names(page.path("catalogs"), "name").indexOf("samples"));
        assertThat(samples.path("catalog_type").asText()).isEqualTo("DELTASHARING_CATALOG");
        // only the fields an agent needs
        page.path("catalogs").forEach(c -> assertThat(c.fieldNames()).toIterable()
                .isSubsetOf("name", "comment", "owner", "catalog_type"));
        assertThat(page.has("next_cursor")).isFalse();
    }

    @Test
    void listSchemas() throws Exception {
        JsonNode page = ok("list_schemas", Map.of("catalog", "samples"));
        assertThat(names(page.path("schemas"), "name")).contains("tpch", "nyctaxi");
        assertThat(names(page.path("schemas"), "full_name")).contains("samples.tpch", "samples.nyctaxi");
        assertThat(names(ok("list_schemas", Map.of("catalog", "main")).path("schemas"), "full_name"))
                .contains("main.default");
    }

    @Test
    void listTables() throws Exception {
        JsonNode page = ok("list_tables", Map.of("catalog", "samples", "schema", "tpch"));
        assertThat(names(page.path("tables"), "name")).containsExactlyInAnyOrderElementsOf(TPCH_TABLES);
        assertThat(names(page.path("tables"), "full_name")).contains("samples.tpch.orders");
        assertThat(page.path("count").asInt()).isEqualTo(TPCH_TABLES.size());
        page.path("tables").forEach(t -> assertThat(t.has("columns")).isFalse());
    }

    @Test
    void listTablesWithNamePattern() throws Exception {
        JsonNode page = ok("list_tables", Map.of("catalog", "samples", "schema", "tpch", "name_pattern", "ord%"));
        assertThat(names(page.path("tables"), "full_name")).containsExactly("samples.tpch.orders");
        assertThat(page.path("tables").get(0).path("table_type").asText()).isNotBlank();

        JsonNode none = ok("list_tables", Map.of("catalog", "samples", "schema", "tpch", "name_pattern", "zzz%"));
        assertThat(none.path("tables").size()).isZero();
        assertThat(none.path("count").asInt()).isZero();

        // the pattern is SQL LIKE: _ is one character
        JsonNode underscore = ok("list_tables", Map.of("catalog", "samples", "schema", "tpch", "name_pattern", "p_rt"));
        assertThat(names(underscore.path("tables"), "full_name")).containsExactly("samples.tpch.part");
    }

    @Test
    void describeTable() throws Exception {
        JsonNode table = ok("describe_table", Map.of("full_name", "samples.tpch.orders"));
        assertThat(table.path("full_name").asText()).isEqualTo("samples.tpch.orders");
        Map<String, String> columns = new LinkedHashMap<>();
        table.path("columns").forEach(c -> columns.put(c.path("name").asText(), c.path("type_text").asText()));
        assertThat(columns).containsExactly(
                Map.entry("o_orderkey", "bigint"),
                Map.entry("o_custkey", "bigint"),
                Map.entry("o_orderstatus", "string"),
                Map.entry("o_totalprice", "decimal(18,2)"),
                Map.entry("o_orderdate", "date"),
                Map.entry("o_orderpriority", "string"),
                Map.entry("o_clerk", "string"),
                Map.entry("o_shippriority", "int"),
                Map.entry("o_comment", "string"));
        table.path("columns").forEach(c -> assertThat(c.has("nullable")).isTrue());
        assertThat(table.path("comment").asText()).contains("orders");
    }

    @Test
    void listFunctions() throws Exception {
        JsonNode page = ok("list_functions", Map.of("catalog", "main", "schema", "default"));
        assertThat(names(page.path("functions"), "full_name")).contains("main.default.net_price");
        assertThat(page.path("count").asInt()).isEqualTo(page.path("functions").size());
    }

    @Test
    void listVolumes() throws Exception {
        JsonNode page = ok("list_volumes", Map.of("catalog", "main", "schema", "default"));
        Map<String, String> types = new HashMap<>();
        page.path("volumes").forEach(v -> types.put(v.path("full_name").asText(), v.path("volume_type").asText()));
        assertThat(types).containsEntry("main.default.landing", "MANAGED").containsEntry("main.default.exports", "EXTERNAL");
    }

    @Test
    void searchTables() throws Exception {
        JsonNode found = ok("search_tables", Map.of("query", "order"));
        assertThat(names(found.path("tables"), "full_name")).containsExactly("samples.tpch.orders");
        assertThat(found.path("count").asInt()).isEqualTo(1);
        assertThat(found.path("truncated").asBoolean()).isFalse();

        JsonNode oneCatalog = ok("search_tables", Map.of("query", "order", "catalog", "main"));
        assertThat(oneCatalog.path("tables").size()).isZero();
        assertThat(oneCatalog.path("truncated").asBoolean()).isFalse();
    }

    @Test
    void searchTablesCapsResultsAndSaysTruncated() throws Exception {
        // "e" matches many tables across samples and main
        JsonNode all = ok("search_tables", Map.of("query", "e"));
        assertThat(all.path("count").asInt()).isGreaterThan(3);
        assertThat(all.path("truncated").asBoolean()).isFalse();

        JsonNode capped = ok("search_tables", Map.of("query", "e", "max_results", 2));
        assertThat(capped.path("tables").size()).isEqualTo(2);
        assertThat(capped.path("count").asInt()).isEqualTo(2);
        assertThat(capped.path("truncated").asBoolean()).isTrue();
        assertThat(names(all.path("tables"), "full_name")).containsAll(names(capped.path("tables"), "full_name"));

        JsonNode exact = ok("search_tables", Map.of("query", "e", "max_results", all.path("count").asInt()));
        assertThat(exact.path("count").asInt()).isEqualTo(all.path("count").asInt());
    }

    @Test
    void pagingFollowsNextCursorUntilAbsent() throws Exception {
        List<String> seen = new ArrayList<>();
        Map<String, Object> arguments = new HashMap<>(Map.of("catalog", "samples", "schema", "tpch", "page_size", 2));
        int pages = 0;
        while (true) {
            JsonNode page = ok("list_tables", arguments);
            pages++;
            assertThat(page.path("tables").size()).isBetween(1, 2);
            seen.addAll(names(page.path("tables"), "name"));
            if (!page.has("next_cursor")) {
                break;
            }
            assertThat(page.path("tables").size()).isEqualTo(2);
            arguments.put("cursor", page.path("next_cursor").asText());
            assertThat(pages).as("paging must end").isLessThan(10);
        }
        assertThat(pages).isEqualTo((TPCH_TABLES.size() + 1) / 2);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(TPCH_TABLES);
    }

    @Test
    void invalidCursorSaysToPassNextCursorUnchanged() {
        String garbage = error("list_tables", Map.of("catalog", "samples", "schema", "tpch", "cursor", "not-a-cursor!"));
        assertThat(garbage).contains("next_cursor").contains("unchanged");

        // a cursor of the gateway's shape whose upstream token was tampered with
        String forged = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("dbx:forged-token".getBytes(StandardCharsets.UTF_8));
        String tampered = error("list_catalogs", Map.of("cursor", forged));
        assertThat(tampered).contains("next_cursor").contains("unchanged");
    }

    @Test
    void unknownCatalogSchemaOrTableNamesTheToolToUse() {
        assertThat(error("list_schemas", Map.of("catalog", "no_such_catalog")))
                .contains("no_such_catalog").contains("list_catalogs");
        assertThat(error("list_tables", Map.of("catalog", "samples", "schema", "no_such_schema")))
                .contains("no_such_schema").contains("list_schemas");
        assertThat(error("describe_table", Map.of("full_name", "samples.tpch.no_such_table")))
                .contains("no_such_table").containsAnyOf("list_tables", "search_tables");
        assertThat(error("list_volumes", Map.of("catalog", "no_such_catalog", "schema", "default")))
                .contains("list_catalogs");
    }

    @Test
    void invalidArgumentsAreToolErrorsNotProtocolErrors() {
        assertThat(error("describe_table", Map.of("full_name", "orders"))).isNotBlank();
        assertThat(error("list_tables", Map.of("catalog", "samples"))).contains("schema");
    }

    @Test
    void workspaceArgumentReachesTheOtherWorkspace() throws Exception {
        EmulatorAdmin acme = EmulatorAdmin.of(environment, "acme");
        EmulatorAdmin globex = EmulatorAdmin.of(environment, "globex");
        String route = "GET /api/2.1/unity-catalog/catalogs";
        long acmeBefore = acme.count(route);
        long globexBefore = globex.count(route);

        JsonNode page = ok("list_catalogs", Map.of("workspace", "globex"));
        assertThat(names(page.path("catalogs"), "name")).contains("samples", "main");
        assertThat(globex.count(route)).isEqualTo(globexBefore + 1);
        assertThat(acme.count(route)).isEqualTo(acmeBefore);

        ok("list_catalogs", Map.of());
        assertThat(acme.count(route)).isEqualTo(acmeBefore + 1);
        assertThat(globex.count(route)).isEqualTo(globexBefore + 1);
    }

    @Test
    void unknownWorkspaceListsTheNames() {
        assertThat(error("list_catalogs", Map.of("workspace", "nope")))
                .contains("nope").contains("acme", "globex", "acme-locked");
    }

    @Test
    void lockedWorkspaceSaysNotEnabled() {
        assertThat(error("list_catalogs", Map.of("workspace", "acme-locked")))
                .contains("not enabled").contains("acme-locked").contains("catalog");
    }
}
