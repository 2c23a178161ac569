package dev.lakehouse.emulator.vectorsearch;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.WorkspaceServices;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.PageToken;
import dev.lakehouse.emulator.http.Router;

/**
 * Vector Search endpoints and indexes (/api/2.0/vector-search): list and get endpoints, list and get indexes,
 * query an index and continue a query with query-next-page. The data is seeded and read-only (see
 * {@link VectorSearchCatalog}); create, delete, upsert and sync are not emulated.
 */
public final class VectorSearchEndpoints {

    private final VectorSearchSettings settings;
    private final VectorSearchCatalog catalog;
    private final QueryRanker ranker;

    public VectorSearchEndpoints(WorkspaceServices workspace) {
        this.settings = workspace.properties().getVectorSearch();
        if (settings.getPageSize() < 1 || settings.getListPageSize() < 1) {
            throw new IllegalArgumentException("emulator.vector-search.page-size and list-page-size must be at least 1");
        }
        HashedEmbedder embedder = new HashedEmbedder(settings.getDimension());
        this.catalog = new VectorSearchCatalog(workspace.settings().name(), workspace.identities().user().userName(),
                embedder);
        this.ranker = new QueryRanker(embedder, settings.getHybridRankConstant());
    }

    public void register(Router router) {
        router.add("GET", "/api/2.0/vector-search/endpoints", this::listEndpoints);
        router.add("GET", "/api/2.0/vector-search/endpoints/{endpoint_name}",
                r -> catalog.endpoint(r.pathParam("endpoint_name")).toJson());
        router.add("GET", "/api/2.0/vector-search/indexes", this::listIndexes);
        router.add("GET", "/api/2.0/vector-search/indexes/{index_name}",
                r -> catalog.index(r.pathParam("index_name")).toJson(host(r)));
        router.add("POST", "/api/2.0/vector-search/indexes/{index_name}/query", this::query);
        router.add("POST", "/api/2.0/vector-search/indexes/{index_name}/query-next-page", this::queryNextPage);
    }

    private Object listEndpoints(ApiRequest request) {
        List<ObjectNode> all = catalog.endpoints().stream().map(SearchEndpoint::toJson).toList();
        return page(all, "endpoints", request.query("page_token"));
    }

    private Object listIndexes(ApiRequest request) {
        SearchEndpoint endpoint = catalog.endpoint(request.requireQuery("endpoint_name"));
        List<ObjectNode> all = catalog.indexes(endpoint).stream().map(SearchIndex::toMiniJson).toList();
        return page(all, "vector_indexes", request.query("page_token"));
    }

    private Object query(ApiRequest request) {
        SearchIndex index = catalog.index(request.pathParam("index_name"));
        JsonNode body = request.json();
        return run(index, body, 0);
    }

    private Object queryNextPage(ApiRequest request) {
        SearchIndex index = catalog.index(request.pathParam("index_name"));
        String endpointName = request.bodyString("endpoint_name");
        if (endpointName != null && !endpointName.isEmpty()) {
            SearchEndpoint endpoint = catalog.endpoint(endpointName);
            if (!endpoint.name().equals(index.endpoint().name())) {
                throw ApiException.invalidParameter("Index " + index.name() + " is not served by endpoint " + endpointName);
            }
        }
        QueryCursor cursor = QueryCursor.decode(request.requireBodyString("page_token"));
        if (!cursor.indexName().equals(index.name())) {
            throw ApiException.invalidParameter("page_token was issued for index " + cursor.indexName() + ", not "
                    + index.name());
        }
        return run(index, cursor.request(), cursor.offset());
    }

    private ObjectNode run(SearchIndex index, JsonNode body, int offset) {
        IndexQuery query = IndexQuery.parse(body, index, settings);
        List<ScoredRow> ranked = ranker.rank(index, query);
        return QueryResults.page(index, query, ranked, body, offset, settings.getPageSize());
    }

    /** One page of a list; the items key is always there, next_page_token only while more remain. */
    private ObjectNode page(List<ObjectNode> all, String itemsKey, String pageToken) {
        int offset = PageToken.decode(pageToken);
        int end = Math.min(all.size(), offset + settings.getListPageSize());
        ObjectNode body = Json.obj();
        ArrayNode items = body.putArray(itemsKey);
        for (int i = Math.min(offset, all.size()); i < end; i++) {
            items.add(all.get(i));
        }
        if (end < all.size()) {
            body.put("next_page_token", PageToken.encode(end));
        }
        return body;
    }

    /** The authority the client called, without scheme, as status.index_url of the real service carries it. */
    private static String host(ApiRequest request) {
        String base = request.baseUrl();
        return base.substring(base.indexOf("://") + 3);
    }
}
