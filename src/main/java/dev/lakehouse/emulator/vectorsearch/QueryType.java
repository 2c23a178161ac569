package dev.lakehouse.emulator.vectorsearch;

import java.util.Locale;

import dev.lakehouse.emulator.http.ApiException;

/** query_type of a query: nearest neighbours, keywords only, or both fused. */
enum QueryType {
    ANN, HYBRID, FULL_TEXT;

    /** ANN when absent; case-insensitive, since the Python client sends "hybrid" and the REST docs "HYBRID". */
    static QueryType parse(String value) {
        if (value == null || value.isBlank()) {
            return ANN;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidParameter("Invalid query_type '" + value + "'. Supported values: ANN, HYBRID, FULL_TEXT");
        }
    }

    boolean usesKeywords() {
        return this != ANN;
    }
}
