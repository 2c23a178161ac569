package dev.lakehouse.gateway.databricks.vectorsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.gateway.databricks.DatabricksShapes;
import dev.lakehouse.gateway.tools.ToolExecutionException;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * query_vector_search_index: what its declaration cannot say. The query names exactly one of a text and a vector
 * (a next page names neither), filters travel as the JSON text the API takes, and the answer's manifest and
 * positional data_array become rows an agent reads by column name, with the score last as Databricks puts it.
 */
@Component("vectorSearchShapes")
public class VectorSearchShapes {

    /** Check step, before the call: a clear isError for a query the API would refuse, nothing sent. */
    public void checkQuery(Exchange exchange) {
        JsonNode args = exchange.getVariable("toolArguments", JsonNode.class);
        ObjectNode body = exchange.getVariable("dbBody", ObjectNode.class);
        if (args.hasNonNull("cursor")) {
            if (!args.hasNonNull("endpoint_name")) {
                throw new ToolExecutionException("A next page needs endpoint_name (the index's endpoint, see "
                        + "list_vector_search_indexes) with the cursor. Nothing was called.");
            }
            body.put("page_token", DatabricksShapes.decode(args.get("cursor").asText()));
            return;
        }
        boolean text = args.hasNonNull("query_text");
        boolean vector = args.hasNonNull("query_vector");
        String type = args.path("query_type").asText("ANN");
        if (!text && !vector) {
            throw new ToolExecutionException("Give query_text (a text to search for) or query_vector (an embedding). "
                    + "Nothing was called.");
        }
        if (text && vector && !"HYBRID".equals(type)) {
            throw new ToolExecutionException("Give either query_text or query_vector, not both (both only with query_type "
                    + "HYBRID). Nothing was called.");
        }
        if (vector && "FULL_TEXT".equals(type)) {
            throw new ToolExecutionException("A FULL_TEXT query searches keywords: give query_text, not query_vector. "
                    + "Nothing was called.");
        }
        if (body.has("filters_json")) {
            body.put("filters_json", body.get("filters_json").toString());
        }
    }

    /** Shape step: rows by column name, the count, and the cursor of the next page. */
    public ObjectNode rows(Exchange exchange) {
        JsonNode answer = exchange.getMessage().getBody(JsonNode.class);
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("index_name", exchange.getVariable("toolArguments", JsonNode.class).path("index_name").asText());
        ArrayNode names = JsonNodeFactory.instance.arrayNode();
        answer.path("manifest").path("columns").forEach(column -> names.add(column.path("name").asText()));
        ArrayNode rows = result.putArray("rows");
        for (JsonNode values : answer.path("result").path("data_array")) {
            ObjectNode row = rows.addObject();
            for (int i = 0; i < names.size() && i < values.size(); i++) {
                row.set(names.get(i).asText(), values.get(i));
            }
        }
        result.put("row_count", rows.size());
        String next = answer.path("next_page_token").asText("");
        if (!next.isEmpty()) {
            result.put("next_cursor", DatabricksShapes.encode(next));
        }
        return result;
    }
}
