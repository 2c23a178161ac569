package dev.lakehouse.gateway.databricks;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Databricks reports times as epoch milliseconds, with 0 for "not yet" (a running job's end_time). Agents read ISO-8601
 * without arithmetic, and a 0 that means "not yet" is better left out than shown as 1970.
 */
public final class DatabricksTimes {

    private DatabricksTimes() {
    }

    /** Rewrites the named epoch-millisecond fields of {@code node} as ISO-8601 (UTC); 0 or absent fields are removed. */
    public static ObjectNode iso(ObjectNode node, String... fields) {
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value == null) {
                continue;
            }
            long millis = value.asLong(0);
            if (millis <= 0) {
                node.remove(field);
            } else {
                node.put(field, Instant.ofEpochMilli(millis).toString());
            }
        }
        return node;
    }
}
