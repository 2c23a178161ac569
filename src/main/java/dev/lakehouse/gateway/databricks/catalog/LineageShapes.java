package dev.lakehouse.gateway.databricks.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.gateway.databricks.DatabricksTimes;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Lineage answers (lineage-tracking API) reduced to what an agent reasons with: full table and column names, the
 * table type, the notebooks and jobs that connect them, and when the lineage was last seen. The table-lineage API
 * names its objects in camelCase (tableInfo, notebookInfos, jobInfos); both spellings are read.
 */
@Component("lineageShapes")
public class LineageShapes {

    public ObjectNode tables(Exchange exchange) {
        JsonNode answer = exchange.getVariable("dbResponse", JsonNode.class);
        ObjectNode lineage = JsonNodeFactory.instance.objectNode();
        lineage.put("table", exchange.getVariable("toolArguments", JsonNode.class).path("full_name").asText());
        lineage.set("upstreams", tableList(answer.path("upstreams")));
        lineage.set("downstreams", tableList(answer.path("downstreams")));
        return lineage;
    }

    private static ArrayNode tableList(JsonNode entries) {
        ArrayNode tables = JsonNodeFactory.instance.arrayNode();
        for (JsonNode entry : entries) {
            JsonNode info = either(entry, "tableInfo", "table_info");
            if (!info.isObject()) {
                continue;
            }
            ObjectNode table = tables.addObject();
            table.put("table", info.path("catalog_name").asText() + "." + info.path("schema_name").asText() + "."
                    + info.path("name").asText());
            copy(info, table, "table_type");
            if (info.has("lineage_timestamp")) {
                table.set("lineage_timestamp", info.get("lineage_timestamp"));
                times(table);
            }
            ids(either(entry, "notebookInfos", "notebook_infos"), "notebook_id", table.putArray("notebook_ids"));
            ids(either(entry, "jobInfos", "job_infos"), "job_id", table.putArray("job_ids"));
        }
        return tables;
    }

    public ObjectNode columns(Exchange exchange) {
        JsonNode answer = exchange.getVariable("dbResponse", JsonNode.class);
        JsonNode args = exchange.getVariable("toolArguments", JsonNode.class);
        ObjectNode lineage = JsonNodeFactory.instance.objectNode();
        lineage.put("column", args.path("full_name").asText() + "." + args.path("column").asText());
        lineage.set("upstream_columns", columnList(answer.path("upstream_cols")));
        lineage.set("downstream_columns", columnList(answer.path("downstream_cols")));
        return lineage;
    }

    private static ArrayNode columnList(JsonNode entries) {
        ArrayNode columns = JsonNodeFactory.instance.arrayNode();
        for (JsonNode entry : entries) {
            ObjectNode column = columns.addObject();
            column.put("column", entry.path("catalog_name").asText() + "." + entry.path("schema_name").asText() + "."
                    + entry.path("table_name").asText() + "." + entry.path("name").asText());
            copy(entry, column, "table_type");
            if (entry.has("lineage_timestamp")) {
                column.set("lineage_timestamp", entry.get("lineage_timestamp"));
                times(column);
            }
        }
        return columns;
    }

    private static JsonNode either(JsonNode node, String camel, String snake) {
        return node.has(camel) ? node.get(camel) : node.path(snake);
    }

    private static void ids(JsonNode infos, String field, ArrayNode into) {
        infos.forEach(info -> {
            if (info.has(field)) {
                into.add(info.get(field));
            }
        });
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        if (from.hasNonNull(field)) {
            to.set(field, from.get(field));
        }
    }

    /** Epoch-millisecond lineage times (when a service gives numbers) as ISO-8601, like every other time. */
    static void times(ObjectNode node) {
        if (node.path("lineage_timestamp").isNumber()) {
            DatabricksTimes.iso(node, "lineage_timestamp");
        }
    }
}
