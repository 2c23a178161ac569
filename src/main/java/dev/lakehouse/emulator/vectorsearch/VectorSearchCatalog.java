package dev.lakehouse.emulator.vectorsearch;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import dev.lakehouse.emulator.http.ApiException;

/**
 * The endpoints and indexes of one workspace, seeded once and read-only afterwards: endpoint {@code product-search}
 * holding index {@code main.default.product_docs}, and {@code empty-endpoint} holding none.
 */
final class VectorSearchCatalog {

    static final String PRODUCT_ENDPOINT = "product-search";
    static final String EMPTY_ENDPOINT = "empty-endpoint";
    static final String PRODUCT_INDEX = "main.default.product_docs";
    static final String EMBEDDING_COLUMN = "embedding";

    /** 2025-01-06T09:00:00Z: a fixed creation time, so seeded metadata is the same on every run. */
    private static final long SEEDED_AT = 1736154000000L;

    private final Map<String, SearchEndpoint> endpoints = new TreeMap<>();
    private final Map<String, SearchIndex> indexes = new LinkedHashMap<>();

    VectorSearchCatalog(String workspaceName, String creator, HashedEmbedder embedder) {
        SearchEndpoint products = endpoint(workspaceName, PRODUCT_ENDPOINT, creator, List.of(PRODUCT_INDEX));
        endpoints.put(products.name(), products);
        SearchEndpoint empty = endpoint(workspaceName, EMPTY_ENDPOINT, creator, List.of());
        endpoints.put(empty.name(), empty);
        indexes.put(PRODUCT_INDEX, productIndex(products, creator, embedder));
    }

    /** Endpoints in name order. */
    List<SearchEndpoint> endpoints() {
        return List.copyOf(endpoints.values());
    }

    SearchEndpoint endpoint(String name) {
        SearchEndpoint endpoint = endpoints.get(name);
        if (endpoint == null) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Vector search endpoint " + name + " not found");
        }
        return endpoint;
    }

    List<SearchIndex> indexes(SearchEndpoint endpoint) {
        return endpoint.indexNames().stream().map(indexes::get).toList();
    }

    SearchIndex index(String name) {
        SearchIndex index = indexes.get(name);
        if (index == null) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Vector search index " + name + " does not exist");
        }
        return index;
    }

    private static SearchEndpoint endpoint(String workspaceName, String name, String creator, List<String> indexNames) {
        String id = UUID.nameUUIDFromBytes((workspaceName + "/vector-search/" + name).getBytes(StandardCharsets.UTF_8))
                .toString();
        return new SearchEndpoint(name, id, "STANDARD", creator, SEEDED_AT, indexNames);
    }

    private static SearchIndex productIndex(SearchEndpoint endpoint, String creator, HashedEmbedder embedder) {
        List<IndexColumn> columns = List.of(new IndexColumn("id", "int"), new IndexColumn("title", "string"),
                new IndexColumn("body", "string"), new IndexColumn("category", "string"),
                new IndexColumn("price", "double"), new IndexColumn(EMBEDDING_COLUMN, "array<float>"));
        List<IndexedRow> rows = ProductDocs.ALL.stream().map(doc -> row(doc, embedder)).toList();
        return new SearchIndex(PRODUCT_INDEX, endpoint, "id", columns, EMBEDDING_COLUMN, embedder.dimension(), creator, rows);
    }

    /** A document row: its embedding is that of title + body, its keyword terms are kept per text column. */
    private static IndexedRow row(ProductDoc doc, HashedEmbedder embedder) {
        double[] embedding = embedder.embed(doc.title() + " " + doc.body());
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("id", doc.id());
        values.put("title", doc.title());
        values.put("body", doc.body());
        values.put("category", doc.category());
        values.put("price", doc.price());
        values.put(EMBEDDING_COLUMN, embedding);
        Map<String, List<String>> terms = Map.of(
                "title", TextAnalyzer.terms(doc.title()),
                "body", TextAnalyzer.terms(doc.body()),
                "category", TextAnalyzer.terms(doc.category()));
        return new IndexedRow(values, embedding, terms);
    }
}
