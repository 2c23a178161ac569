package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.error.platform.InvalidParameterValue;
import com.databricks.sdk.core.error.platform.NotFound;
import com.databricks.sdk.core.error.platform.ResourceDoesNotExist;
import com.databricks.sdk.service.vectorsearch.ColumnInfo;
import com.databricks.sdk.service.vectorsearch.EndpointInfo;
import com.databricks.sdk.service.vectorsearch.EndpointStatusState;
import com.databricks.sdk.service.vectorsearch.EndpointType;
import com.databricks.sdk.service.vectorsearch.ListEndpointsRequest;
import com.databricks.sdk.service.vectorsearch.MiniVectorIndex;
import com.databricks.sdk.service.vectorsearch.QueryVectorIndexNextPageRequest;
import com.databricks.sdk.service.vectorsearch.QueryVectorIndexRequest;
import com.databricks.sdk.service.vectorsearch.QueryVectorIndexResponse;
import com.databricks.sdk.service.vectorsearch.VectorIndex;
import com.databricks.sdk.service.vectorsearch.VectorIndexType;
import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.emulator.vectorsearch.HashedEmbedder;

/** Drives the emulated Vector Search API through the official SDK's vectorSearchEndpoints() and vectorSearchIndexes(). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class SdkVectorSearchFidelityTest {

    private static final String INDEX = "main.default.product_docs";
    private static final String TOKEN_QUESTION = "rotate a personal access token";

    private EmulatorServer server;
    private Workspace acme;
    private WorkspaceClient w;

    @BeforeAll
    void start() {
        EmulatorProperties properties = EmulatorFixture.fastProperties();
        // one endpoint per list page, so the SDK's paginator has to follow next_page_token
        properties.getVectorSearch().setListPageSize(1);
        server = new EmulatorServer(properties).start();
        acme = server.workspace("acme");
        w = EmulatorFixture.patClient(acme);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static <T> List<T> all(Iterable<T> iterable) {
        return StreamSupport.stream(iterable.spliterator(), false).toList();
    }

    private static QueryVectorIndexRequest query(String... columns) {
        return new QueryVectorIndexRequest().setIndexName(INDEX).setColumns(List.of(columns));
    }

    private static List<String> column(QueryVectorIndexResponse response, int position) {
        return response.getResult().getDataArray().stream().map(row -> new ArrayList<>(row).get(position)).toList();
    }

    private static List<Double> scores(QueryVectorIndexResponse response) {
        return response.getResult().getDataArray().stream()
                .map(row -> Double.parseDouble(new ArrayList<>(row).get(row.size() - 1))).toList();
    }

    @Test
    void endpointsAreListedAcrossPagesAndFetched() {
        acme.requestLog().reset();
        List<EndpointInfo> endpoints = all(w.vectorSearchEndpoints().listEndpoints(new ListEndpointsRequest()));
        assertThat(endpoints).extracting(EndpointInfo::getName).containsExactly("empty-endpoint", "product-search");
        assertThat(acme.requestLog().count("GET", "/api/2.0/vector-search/endpoints")).isEqualTo(2);

        EndpointInfo products = w.vectorSearchEndpoints().getEndpoint("product-search");
        assertThat(products.getEndpointType()).isEqualTo(EndpointType.STANDARD);
        assertThat(products.getEndpointStatus().getState()).isEqualTo(EndpointStatusState.ONLINE);
        assertThat(products.getNumIndexes()).isEqualTo(1L);
        assertThat(products.getCreator()).isEqualTo("alice@acme.example");
        assertThat(products.getId()).isNotBlank().isNotEqualTo(endpoints.get(0).getId());
        assertThat(w.vectorSearchEndpoints().getEndpoint("empty-endpoint").getNumIndexes()).isZero();

        assertThatThrownBy(() -> w.vectorSearchEndpoints().getEndpoint("no-such-endpoint"))
                .isInstanceOf(ResourceDoesNotExist.class).hasMessageContaining("no-such-endpoint");
    }

    @Test
    void indexesAreListedPerEndpointAndFetched() {
        List<MiniVectorIndex> indexes = all(w.vectorSearchIndexes().listIndexes("product-search"));
        assertThat(indexes).hasSize(1);
        MiniVectorIndex mini = indexes.get(0);
        assertThat(mini.getName()).isEqualTo(INDEX);
        assertThat(mini.getEndpointName()).isEqualTo("product-search");
        assertThat(mini.getIndexType()).isEqualTo(VectorIndexType.DIRECT_ACCESS);
        assertThat(mini.getPrimaryKey()).isEqualTo("id");
        assertThat(all(w.vectorSearchIndexes().listIndexes("empty-endpoint"))).isEmpty();
        assertThatThrownBy(() -> all(w.vectorSearchIndexes().listIndexes("no-such-endpoint")))
                .isInstanceOf(ResourceDoesNotExist.class);

        VectorIndex index = w.vectorSearchIndexes().getIndex(INDEX);
        assertThat(index.getIndexType()).isEqualTo(VectorIndexType.DIRECT_ACCESS);
        assertThat(index.getPrimaryKey()).isEqualTo("id");
        assertThat(index.getEndpointId()).isEqualTo(w.vectorSearchEndpoints().getEndpoint("product-search").getId());
        assertThat(index.getStatus().getReady()).isTrue();
        assertThat(index.getStatus().getIndexedRowCount()).isEqualTo(40L);
        assertThat(index.getDeltaSyncIndexSpec()).isNull();
        var vectorColumn = index.getDirectAccessIndexSpec().getEmbeddingVectorColumns().iterator().next();
        assertThat(vectorColumn.getName()).isEqualTo("embedding");
        assertThat(vectorColumn.getEmbeddingDimension()).isEqualTo(16L);
        assertThat(index.getDirectAccessIndexSpec().getSchemaJson())
                .isEqualTo("{\"body\":\"string\",\"category\":\"string\",\"embedding\":\"array<float>\","
                        + "\"id\":\"int\",\"price\":\"double\",\"title\":\"string\"}");
    }

    @Test
    void queryTextRanksTheTokenRotationDocFirst() {
        QueryVectorIndexResponse response = w.vectorSearchIndexes().queryIndex(
                query("id", "title", "category").setQueryText(TOKEN_QUESTION).setNumResults(3L));

        assertThat(response.getManifest().getColumnCount()).isEqualTo(4L);
        assertThat(response.getManifest().getColumns()).extracting(ColumnInfo::getName)
                .containsExactly("id", "title", "category", "score");
        assertThat(response.getResult().getRowCount()).isEqualTo(3L);
        List<String> top = new ArrayList<>(response.getResult().getDataArray().iterator().next());
        assertThat(top.subList(0, 3)).containsExactly("11", "Rotate a personal access token", "security");
        assertThat(scores(response)).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(scores(response).get(0)).isGreaterThan(scores(response).get(1)).isLessThanOrEqualTo(1.0);
        assertThat(response.getNextPageToken()).isNull();
    }

    @Test
    void queryVectorOfTheSamePhraseFindsTheSameDocWithTheSameScore() {
        double[] embedding = new HashedEmbedder(16).embed(TOKEN_QUESTION);
        Collection<Double> vector = Arrays.stream(embedding).boxed().toList();
        QueryVectorIndexResponse byVector = w.vectorSearchIndexes().queryIndex(
                query("id", "title").setQueryVector(vector).setNumResults(5L));
        QueryVectorIndexResponse byText = w.vectorSearchIndexes().queryIndex(
                query("id", "title").setQueryText(TOKEN_QUESTION).setNumResults(5L));

        assertThat(column(byVector, 0).get(0)).isEqualTo("11");
        assertThat(column(byVector, 0)).isEqualTo(column(byText, 0));
        assertThat(scores(byVector).get(0)).isCloseTo(scores(byText).get(0), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void filtersJsonRestrictsTheRows() {
        QueryVectorIndexResponse billing = w.vectorSearchIndexes().queryIndex(query("id", "category")
                .setQueryText("how do I pay").setNumResults(10L).setFiltersJson("{\"category\": \"billing\"}"));
        assertThat(billing.getResult().getRowCount()).isEqualTo(10L);
        assertThat(column(billing, 1)).containsOnly("billing");
        assertThat(column(billing, 0)).containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");

        QueryVectorIndexResponse expensive = w.vectorSearchIndexes().queryIndex(query("id", "price")
                .setQueryText("security").setNumResults(50L)
                .setFiltersJson("{\"price >=\": 99, \"category NOT\": \"billing\"}"));
        assertThat(column(expensive, 0)).containsExactlyInAnyOrder("16", "19");

        QueryVectorIndexResponse either = w.vectorSearchIndexes().queryIndex(query("id").setQueryText("tables")
                .setNumResults(50L).setFiltersJson("{\"category\": [\"sql\", \"connectors\"], \"price <\": 40, \"price >\": 0}"));
        assertThat(column(either, 0)).containsExactlyInAnyOrder("21", "27", "35", "40");

        QueryVectorIndexResponse like = w.vectorSearchIndexes().queryIndex(query("id").setQueryText("anything")
                .setFiltersJson("{\"title LIKE\": \"token\"}"));
        assertThat(column(like, 0)).containsExactly("11");

        QueryVectorIndexResponse pattern = w.vectorSearchIndexes().queryIndex(query("id").setQueryText("login")
                .setFiltersJson("[{\"title LIKE\": \"%sign-on%\"}]"));
        assertThat(column(pattern, 0)).containsExactly("13");

        QueryVectorIndexResponse or = w.vectorSearchIndexes().queryIndex(query("id").setQueryText("login")
                .setFiltersJson("{\"title OR category\": [\"Dashboards\", \"security\"], \"price >\": 20}"));
        assertThat(column(or, 0)).containsExactlyInAnyOrder("14", "16", "19");
    }

    @Test
    void fullTextMatchesKeywordsOnly() {
        QueryVectorIndexResponse refund = w.vectorSearchIndexes().queryIndex(query("id", "title")
                .setQueryText("refund").setQueryType("FULL_TEXT"));
        assertThat(column(refund, 0)).containsExactly("8");
        assertThat(column(refund, 1)).containsExactly("Request a refund");

        QueryVectorIndexResponse kafka = w.vectorSearchIndexes().queryIndex(query("id")
                .setQueryText("kafka topics offsets").setQueryType("FULL_TEXT"));
        assertThat(column(kafka, 0)).containsExactly("24");
        assertThat(scores(kafka).get(0)).isGreaterThan(1.0);
    }

    @Test
    void hybridBlendsVectorAndKeywordRanks() {
        QueryVectorIndexResponse sso = w.vectorSearchIndexes().queryIndex(query("id", "title")
                .setQueryText("single sign-on with our identity provider").setQueryType("HYBRID").setNumResults(5L));
        assertThat(column(sso, 0).get(0)).isEqualTo("13");
        assertThat(column(sso, 0)).contains("18");
        // reciprocal rank fusion with k = 60: a row first in both rankings scores 2/61
        assertThat(scores(sso).get(0)).isLessThanOrEqualTo(2.0 / 61 + 1e-12).isGreaterThan(1.0 / 61);

        QueryVectorIndexResponse tokens = w.vectorSearchIndexes().queryIndex(query("id")
                .setQueryText(TOKEN_QUESTION).setQueryType("hybrid").setNumResults(3L));
        assertThat(column(tokens, 0).get(0)).isEqualTo("11");
    }

    @Test
    void queryNextPageContinuesUntilNumResults() {
        QueryVectorIndexResponse first = w.vectorSearchIndexes().queryIndex(query("id")
                .setQueryText("warehouse").setNumResults(25L));
        assertThat(first.getResult().getRowCount()).isEqualTo(10L);
        assertThat(first.getNextPageToken()).isNotBlank();

        List<String> ids = new ArrayList<>(column(first, 0));
        List<Double> scores = new ArrayList<>(scores(first));
        QueryVectorIndexResponse page = first;
        int pages = 1;
        while (page.getNextPageToken() != null) {
            page = w.vectorSearchIndexes().queryNextPage(new QueryVectorIndexNextPageRequest().setIndexName(INDEX)
                    .setEndpointName("product-search").setPageToken(page.getNextPageToken()));
            assertThat(page.getManifest().getColumns()).extracting(ColumnInfo::getName).containsExactly("id", "score");
            ids.addAll(column(page, 0));
            scores.addAll(scores(page));
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(page.getResult().getRowCount()).isEqualTo(5L);
        assertThat(ids).hasSize(25).doesNotHaveDuplicates();
        assertThat(scores).isSortedAccordingTo((a, b) -> Double.compare(b, a));

        assertThatThrownBy(() -> w.vectorSearchIndexes().queryNextPage(new QueryVectorIndexNextPageRequest()
                .setIndexName(INDEX).setEndpointName("product-search").setPageToken("forged")))
                .isInstanceOf(InvalidParameterValue.class);
        assertThatThrownBy(() -> w.vectorSearchIndexes().queryNextPage(new QueryVectorIndexNextPageRequest()
                .setIndexName(INDEX).setEndpointName("empty-endpoint").setPageToken(first.getNextPageToken())))
                .isInstanceOf(InvalidParameterValue.class);
    }

    @Test
    void unknownIndexIsNotFound() {
        assertThatThrownBy(() -> w.vectorSearchIndexes().getIndex("main.default.nope"))
                .isInstanceOf(ResourceDoesNotExist.class).hasMessageContaining("main.default.nope");
        assertThatThrownBy(() -> w.vectorSearchIndexes().queryIndex(new QueryVectorIndexRequest()
                .setIndexName("main.default.nope").setColumns(List.of("id")).setQueryText("x")))
                .isInstanceOf(NotFound.class);
    }

    @Test
    void badQueriesAreInvalidParameterValue() {
        assertThatThrownBy(() -> w.vectorSearchIndexes().queryIndex(query("id", "nope").setQueryText("token")))
                .isInstanceOf(InvalidParameterValue.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> w.vectorSearchIndexes().queryIndex(new QueryVectorIndexRequest().setIndexName(INDEX)
                .setQueryText("token"))).isInstanceOf(InvalidParameterValue.class).hasMessageContaining("columns");
        assertThatThrownBy(() -> w.vectorSearchIndexes().queryIndex(query("id")))
                .isInstanceOf(InvalidParameterValue.class).hasMessageContaining("query_text or query_vector");
        List<Double> sixteen = Arrays.stream(new double[16]).boxed().toList();
        assertThatThrownBy(() -> w.vectorSearchIndexes().queryIndex(query("id").setQueryText("token")
                .setQueryVector(sixteen))).isInstanceOf(InvalidParameterValue.class);
        assertThatThrownBy(() -> w.vectorSearchIndexes().queryIndex(query("id").setQueryVector(List.of(0.1, 0.2, 0.3))))
                .isInstanceOf(InvalidParameterValue.class).hasMessageContaining("dimension 3");
        assertThatThrownBy(() -> w.vectorSearchIndexes().queryIndex(query("id").setQueryText("token")
                .setFiltersJson("{\"category\": ")))
                .isInstanceOf(InvalidParameterValue.class).hasMessageContaining("filters_json");
        assertThatThrownBy(() -> w.vectorSearchIndexes().queryIndex(query("id").setQueryText("token")
                .setFiltersJson("{\"colour\": \"red\"}")))
                .isInstanceOf(InvalidParameterValue.class).hasMessageContaining("colour");
        assertThatThrownBy(() -> w.vectorSearchIndexes().queryIndex(query("id").setQueryText("token").setNumResults(0L)))
                .isInstanceOf(InvalidParameterValue.class).hasMessageContaining("num_results");
        assertThatThrownBy(() -> w.vectorSearchIndexes().queryIndex(query("id").setQueryText("token")
                .setNumResults(201L).setQueryType("FULL_TEXT"))).isInstanceOf(InvalidParameterValue.class);
        assertThatThrownBy(() -> w.vectorSearchIndexes().queryIndex(query("id").setQueryText("token")
                .setQueryType("SEMANTIC"))).isInstanceOf(InvalidParameterValue.class);
        assertThatThrownBy(() -> w.vectorSearchIndexes().queryIndex(query("id").setQueryVector(sixteen)
                .setQueryType("FULL_TEXT"))).isInstanceOf(InvalidParameterValue.class);
    }

    @Test
    void rawRowsCarryTypedValuesAndTheScoreLast() throws Exception {
        EmulatorFixture.Reply reply = EmulatorFixture.post(acme.url() + "/api/2.0/vector-search/indexes/" + INDEX + "/query",
                EmulatorFixture.pat(acme), "{\"columns\":[\"id\",\"price\",\"title\"],\"query_text\":\""
                        + TOKEN_QUESTION + "\",\"num_results\":2,\"score_threshold\":0.2}");
        assertThat(reply.status()).isEqualTo(200);
        JsonNode row = reply.json().at("/result/data_array/0");
        assertThat(row.get(0).isInt()).isTrue();
        assertThat(row.get(0).asInt()).isEqualTo(11);
        assertThat(row.get(1).isNumber()).isTrue();
        assertThat(row.get(2).asText()).isEqualTo("Rotate a personal access token");
        assertThat(row.get(3).isDouble()).isTrue();
        assertThat(reply.json().has("next_page_token")).isFalse();

        EmulatorFixture.Reply threshold = EmulatorFixture.post(acme.url() + "/api/2.0/vector-search/indexes/" + INDEX
                + "/query", EmulatorFixture.pat(acme), "{\"columns\":[\"id\"],\"query_text\":\"" + TOKEN_QUESTION
                + "\",\"num_results\":40,\"score_threshold\":0.99}");
        assertThat(threshold.json().at("/result/row_count").asInt()).isZero();

        EmulatorFixture.Reply missing = EmulatorFixture.post(acme.url() + "/api/2.0/vector-search/indexes/" + INDEX
                + "/query", EmulatorFixture.pat(acme), "{\"columns\":\"id\",\"query_text\":\"x\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
    }
}
