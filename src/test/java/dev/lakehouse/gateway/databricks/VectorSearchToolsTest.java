package dev.lakehouse.gateway.databricks;

import static dev.lakehouse.gateway.databricks.ToolCalls.args;
import static dev.lakehouse.gateway.databricks.ToolCalls.error;
import static dev.lakehouse.gateway.databricks.ToolCalls.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/** The Vector Search tools (declared REST calls) against the emulator's seeded index, through the MCP Java SDK client. */
class VectorSearchToolsTest extends GatewayTestBase {

    private static final String INDEX = "main.default.product_docs";

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

    private static List<Integer> ids(JsonNode answer) {
        List<Integer> ids = new ArrayList<>();
        answer.path("rows").forEach(row -> ids.add(row.path("id").asInt()));
        return ids;
    }

    @Test
    void endpointsAndIndexesAreListedAndDescribed() {
        JsonNode endpoints = ok(client, "list_vector_search_endpoints", Map.of());
        assertThat(endpoints.path("endpoints").findValuesAsText("name")).contains("product-search", "empty-endpoint");
        JsonNode productSearch = endpoints.path("endpoints").get(endpoints.path("endpoints").findValuesAsText("name")
                .indexOf("product-search"));
        assertThat(productSearch.path("state").asText()).isEqualTo("ONLINE");
        assertThat(productSearch.path("endpoint_type").asText()).isEqualTo("STANDARD");

        JsonNode indexes = ok(client, "list_vector_search_indexes", Map.of("endpoint_name", "product-search"));
        assertThat(indexes.path("vector_indexes").findValuesAsText("name")).containsExactly(INDEX);
        assertThat(indexes.path("vector_indexes").get(0).path("primary_key").asText()).isEqualTo("id");
        assertThat(ok(client, "list_vector_search_indexes", Map.of("endpoint_name", "empty-endpoint"))
                .path("count").asInt()).isZero();

        JsonNode index = ok(client, "describe_vector_search_index", Map.of("index_name", INDEX));
        assertThat(index.path("index_type").asText()).isEqualTo("DIRECT_ACCESS");
        assertThat(index.path("ready").asBoolean()).isTrue();
        assertThat(index.path("indexed_row_count").asInt()).isEqualTo(40);
        assertThat(index.path("schema_json").asText()).contains("\"title\":\"string\"");
    }

    @Test
    void aTextQueryRanksTheMatchingDocumentFirstWithItsScoreLast() {
        for (String type : List.of("ANN", "HYBRID", "FULL_TEXT")) {
            JsonNode answer = ok(client, "query_vector_search_index", args("index_name", INDEX,
                    "columns", List.of("id", "title", "category"), "query_text", "rotate a personal access token",
                    "query_type", type, "num_results", 3));
            assertThat(ids(answer)).as(type).first().isEqualTo(11);
            JsonNode top = answer.path("rows").get(0);
            assertThat(top.path("title").asText()).isEqualTo("Rotate a personal access token");
            assertThat(top.path("category").asText()).isEqualTo("security");
            assertThat(top.has("score")).isTrue();
        }
    }

    @Test
    void filtersNarrowTheRowsAndPagesFollowTheCursor() {
        JsonNode billing = ok(client, "query_vector_search_index", args("index_name", INDEX,
                "columns", List.of("id", "category"), "query_text", "invoice and billing questions",
                "filters", Map.of("category", "billing"), "num_results", 25));
        assertThat(billing.path("rows").findValuesAsText("category")).containsOnly("billing");
        assertThat(ids(billing)).hasSize(10).allMatch(id -> id >= 1 && id <= 10);

        JsonNode first = ok(client, "query_vector_search_index", args("index_name", INDEX,
                "columns", List.of("id"), "query_text", "connect a data source", "num_results", 25));
        assertThat(first.path("row_count").asInt()).isEqualTo(10);
        String cursor = first.path("next_cursor").asText();
        assertThat(cursor).isNotBlank();
        JsonNode second = ok(client, "query_vector_search_index", args("index_name", INDEX, "columns", List.of("id"),
                "cursor", cursor, "endpoint_name", "product-search"));
        assertThat(second.path("row_count").asInt()).isEqualTo(10);
        assertThat(ids(second)).doesNotContainAnyElementsOf(ids(first));
    }

    @Test
    void badQueriesAreClearToolErrorsAndReachNoWorkspace() {
        EmulatorAdmin acme = EmulatorAdmin.of(environment, "acme");
        acme.clearRequests();
        assertThat(error(client, "query_vector_search_index", args("index_name", INDEX, "columns", List.of("id"))))
                .contains("query_text").contains("Nothing was called");
        assertThat(error(client, "query_vector_search_index", args("index_name", INDEX, "columns", List.of("id"),
                "query_vector", List.of(0.1, 0.2), "query_type", "FULL_TEXT"))).contains("FULL_TEXT");
        assertThat(error(client, "query_vector_search_index", args("index_name", INDEX, "columns", List.of("id"),
                "cursor", "bm90LWEtY3Vyc29y"))).contains("endpoint_name");
        assertThat(acme.count("POST /api/2.0/vector-search/indexes/" + INDEX + "/query")).isZero();
        // what the workspace refuses comes back as a tool error with the hint of the declaration
        assertThat(error(client, "query_vector_search_index", args("index_name", INDEX, "columns", List.of("nope"),
                "query_text", "token"))).contains("nope").contains("describe_vector_search_index");
        assertThat(error(client, "describe_vector_search_index", Map.of("index_name", "main.default.missing")))
                .contains("list_vector_search_indexes");
        // wrong types are refused by the input schema before anything runs
        assertThat(error(client, "query_vector_search_index", args("index_name", "not an index", "columns", List.of("id"),
                "query_text", "x"))).contains("index_name");
    }
}
