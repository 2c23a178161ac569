package dev.lakehouse.emulator.vectorsearch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.emulator.http.ApiException;

/**
 * A validated query request (QueryVectorIndexRequest): every rule the real service enforces up front is checked
 * here, so the ranking never sees a bad request and every mistake is a 400 INVALID_PARAMETER_VALUE.
 */
record IndexQuery(List<String> columns, String queryText, double[] queryVector, int numResults,
                  Predicate<IndexedRow> filter, QueryType type, double scoreThreshold, List<String> queryColumns) {

    static final int DEFAULT_NUM_RESULTS = 10;

    static IndexQuery parse(JsonNode body, SearchIndex index, VectorSearchSettings settings) {
        List<String> columns = columns(body, index);
        QueryType type = QueryType.parse(text(body, "query_type"));
        String queryText = text(body, "query_text");
        if (queryText != null && queryText.isEmpty()) {
            queryText = null;
        }
        if (queryText != null && queryText.length() > settings.getMaxQueryTextLength()) {
            throw ApiException.invalidParameter("query_text is too long: " + queryText.length()
                    + " characters, at most " + settings.getMaxQueryTextLength() + " are allowed");
        }
        double[] queryVector = vector(body, index);
        requireQueryInputs(type, queryText, queryVector);
        int numResults = numResults(body, type, settings);
        Predicate<IndexedRow> filter = FiltersJson.parse(text(body, "filters_json"), index);
        double threshold = scoreThreshold(body);
        List<String> queryColumns = queryColumns(body, index);
        rejectUnsupported(body, "facets");
        rejectUnsupported(body, "sort_columns");
        return new IndexQuery(columns, queryText, queryVector, numResults, filter, type, threshold, queryColumns);
    }

    private static List<String> columns(JsonNode body, SearchIndex index) {
        JsonNode node = body.get("columns");
        if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) {
            throw ApiException.invalidParameter("columns is required: name at least one column of index " + index.name()
                    + " to return");
        }
        List<String> columns = strings(node, "columns");
        List<String> unknown = columns.stream().filter(c -> index.column(c) == null).toList();
        if (!unknown.isEmpty()) {
            throw ApiException.invalidParameter("Requested columns to fetch are not present in index " + index.name()
                    + ": " + String.join(", ", unknown));
        }
        return columns;
    }

    private static void requireQueryInputs(QueryType type, String queryText, double[] queryVector) {
        switch (type) {
            case ANN -> {
                if (queryText == null && queryVector == null) {
                    throw ApiException.invalidParameter("Either query_text or query_vector must be provided for an ANN query");
                }
                if (queryText != null && queryVector != null) {
                    throw ApiException.invalidParameter(
                            "Only one of query_text and query_vector may be provided for an ANN query");
                }
            }
            case HYBRID -> {
                if (queryText == null) {
                    throw ApiException.invalidParameter("query_text is required for a HYBRID query");
                }
            }
            case FULL_TEXT -> {
                if (queryText == null) {
                    throw ApiException.invalidParameter("query_text is required for a FULL_TEXT query");
                }
                if (queryVector != null) {
                    throw ApiException.invalidParameter("query_vector is not allowed for a FULL_TEXT query");
                }
            }
        }
    }

    private static int numResults(JsonNode body, QueryType type, VectorSearchSettings settings) {
        JsonNode node = body.get("num_results");
        if (node == null || node.isNull()) {
            return DEFAULT_NUM_RESULTS;
        }
        if (!node.isIntegralNumber() && !(node.isTextual() && node.asText().matches("-?\\d{1,18}"))) {
            throw ApiException.invalidParameter("num_results must be an integer, got " + node);
        }
        long value = node.asLong();
        int max = type.usesKeywords() ? settings.getMaxKeywordNumResults() : settings.getMaxNumResults();
        if (value < 1 || value > max) {
            throw ApiException.invalidParameter("num_results must be between 1 and " + max + " for a " + type
                    + " query, got " + value);
        }
        return (int) value;
    }

    private static double[] vector(JsonNode body, SearchIndex index) {
        JsonNode node = body.get("query_vector");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw ApiException.invalidParameter("query_vector must be an array of numbers");
        }
        if (node.size() != index.dimension()) {
            throw ApiException.invalidParameter("Query vector has dimension " + node.size() + " but index " + index.name()
                    + " expects embedding dimension " + index.dimension());
        }
        double[] vector = new double[node.size()];
        for (int i = 0; i < vector.length; i++) {
            if (!node.get(i).isNumber()) {
                throw ApiException.invalidParameter("query_vector must be an array of numbers, element " + i + " is "
                        + node.get(i));
            }
            vector[i] = node.get(i).asDouble();
        }
        return vector;
    }

    private static double scoreThreshold(JsonNode body) {
        JsonNode node = body.get("score_threshold");
        if (node == null || node.isNull()) {
            return 0.0;
        }
        if (!node.isNumber()) {
            throw ApiException.invalidParameter("score_threshold must be a number, got " + node);
        }
        return node.asDouble();
    }

    private static List<String> queryColumns(JsonNode body, SearchIndex index) {
        JsonNode node = body.get("query_columns");
        if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) {
            return index.textColumns();
        }
        List<String> names = strings(node, "query_columns");
        for (String name : names) {
            IndexColumn column = index.column(name);
            if (column == null || !column.text()) {
                throw ApiException.invalidParameter("query_columns must name text columns of index " + index.name()
                        + ", '" + name + "' is not one");
            }
        }
        return names;
    }

    private static void rejectUnsupported(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node != null && !node.isNull() && !(node.isArray() && node.isEmpty())) {
            throw ApiException.invalidParameter(field + " is not supported by the workspace emulator");
        }
    }

    private static List<String> strings(JsonNode node, String field) {
        if (!node.isArray()) {
            throw ApiException.invalidParameter(field + " must be an array of strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual() || element.asText().isEmpty()) {
                throw ApiException.invalidParameter(field + " must be an array of non-empty strings, got " + element);
            }
            values.add(element.asText());
        }
        return values;
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.invalidParameter(field + " must be a string, got " + node);
        }
        return node.asText();
    }
}
