package dev.lakehouse.emulator.vectorsearch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.Json;

/**
 * A DIRECT_ACCESS vector index: its schema, its rows with their embeddings, and the endpoint it lives on.
 * Immutable once seeded, so concurrent queries need no locking.
 */
final class SearchIndex {

    private final String name;
    private final SearchEndpoint endpoint;
    private final String primaryKey;
    private final List<IndexColumn> columns;
    private final String embeddingColumn;
    private final int dimension;
    private final String creator;
    private final List<IndexedRow> rows;
    private final Map<String, IndexColumn> byName = new LinkedHashMap<>();

    SearchIndex(String name, SearchEndpoint endpoint, String primaryKey, List<IndexColumn> columns,
                String embeddingColumn, int dimension, String creator, List<IndexedRow> rows) {
        this.name = name;
        this.endpoint = endpoint;
        this.primaryKey = primaryKey;
        this.columns = List.copyOf(columns);
        this.embeddingColumn = embeddingColumn;
        this.dimension = dimension;
        this.creator = creator;
        this.rows = List.copyOf(rows);
        columns.forEach(c -> byName.put(c.name(), c));
    }

    String name() { return name; }

    SearchEndpoint endpoint() { return endpoint; }

    String primaryKey() { return primaryKey; }

    int dimension() { return dimension; }

    List<IndexedRow> rows() { return rows; }

    /** The column of that name, or null. */
    IndexColumn column(String column) {
        return byName.get(column);
    }

    /** The string columns, searched by keyword queries when query_columns is empty. */
    List<String> textColumns() {
        return columns.stream().filter(IndexColumn::text).map(IndexColumn::name).toList();
    }

    /** MiniVectorIndex, as the list call returns it. */
    ObjectNode toMiniJson() {
        ObjectNode json = Json.obj();
        json.put("name", name);
        json.put("endpoint_name", endpoint.name());
        json.put("endpoint_id", endpoint.id());
        json.put("primary_key", primaryKey);
        json.put("index_type", "DIRECT_ACCESS");
        json.put("index_subtype", "HYBRID");
        json.put("creator", creator);
        return json;
    }

    /** VectorIndex, as GET returns it; {@code host} is the authority the client called (for status.index_url). */
    ObjectNode toJson(String host) {
        ObjectNode json = toMiniJson();
        ObjectNode spec = json.putObject("direct_access_index_spec");
        ArrayNode vectors = spec.putArray("embedding_vector_columns");
        vectors.addObject().put("name", embeddingColumn).put("embedding_dimension", dimension);
        spec.put("schema_json", schemaJson());
        ObjectNode status = json.putObject("status");
        status.put("ready", true);
        status.put("indexed_row_count", rows.size());
        status.put("message", "Index is ready: " + rows.size() + " rows indexed.");
        status.put("index_url", host + "/api/2.0/vector-search/endpoints/" + endpoint.name() + "/indexes/" + name);
        return json;
    }

    /** {"column":"type",...} with the keys sorted, the way the service stores a direct access schema. */
    private String schemaJson() {
        ObjectNode schema = Json.obj();
        columns.stream().map(IndexColumn::name).sorted().forEach(c -> schema.put(c, byName.get(c).type()));
        return schema.toString();
    }
}
