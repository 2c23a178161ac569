package dev.lakehouse.emulator.vectorsearch;

import java.util.List;
import java.util.Map;

/**
 * One row of an index with what queries need precomputed: the embedding (of the text the index embeds) and the
 * terms of its text columns for keyword scoring.
 */
record IndexedRow(Map<String, Object> values, double[] embedding, Map<String, List<String>> termsByColumn) {

    Object value(String column) {
        return values.get(column);
    }
}
