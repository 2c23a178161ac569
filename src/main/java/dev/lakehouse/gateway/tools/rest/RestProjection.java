package dev.lakehouse.gateway.tools.rest;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.lakehouse.gateway.databricks.DatabricksShapes;
import dev.lakehouse.gateway.databricks.DatabricksTimes;
import dev.lakehouse.gateway.tools.rest.RestDeclaration.Projection;

/**
 * The part of a Databricks answer an agent needs: a listing's items (each reduced to its fields) with their count,
 * or one object's fields; nested lists reduced the same way; times as ISO-8601; every text longer than the cap
 * clipped with its length stated, so one long view definition or notebook cell cannot flood a model's context.
 */
final class RestProjection {

    private final int maxFieldChars;

    RestProjection(int maxFieldChars) {
        this.maxFieldChars = maxFieldChars;
    }

    /** The projected answer (an object); a listing's next page token is the caller's to add. */
    ObjectNode project(JsonNode response, Projection projection) {
        if (projection.items() == null) {
            return reduce(response, projection);
        }
        ObjectNode page = JsonNodeFactory.instance.objectNode();
        ArrayNode items = page.putArray(projection.items());
        for (JsonNode item : response.path(projection.items())) {
            items.add(reduce(item, projection));
        }
        page.put("count", items.size());
        return page;
    }

    private ObjectNode reduce(JsonNode from, Projection projection) {
        ObjectNode object = projection.fields().isEmpty()
                ? (from.isObject() ? ((ObjectNode) from).deepCopy() : JsonNodeFactory.instance.objectNode())
                : DatabricksShapes.pick(from, projection.fields());
        for (Map.Entry<String, List<String>> list : projection.lists().entrySet()) {
            if (from.path(list.getKey()).isArray()) {
                ArrayNode reduced = object.putArray(list.getKey());
                from.path(list.getKey()).forEach(item -> reduced.add(DatabricksShapes.pick(item, list.getValue())));
            }
        }
        DatabricksTimes.iso(object, projection.times().toArray(String[]::new));
        clip(object);
        return object;
    }

    /** Texts longer than the cap, anywhere in the object, end in a marker saying how long they were. */
    void clip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.fields().forEachRemaining(e -> {
                if (e.getValue().isTextual()) {
                    e.setValue(clipped(e.getValue()));
                } else {
                    clip(e.getValue());
                }
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, clipped(array.get(i)));
                } else {
                    clip(array.get(i));
                }
            }
        }
    }

    private JsonNode clipped(JsonNode text) {
        String value = text.asText();
        if (value.length() <= maxFieldChars) {
            return text;
        }
        return TextNode.valueOf(value.substring(0, maxFieldChars) + "… [clipped: " + value.length() + " characters in all]");
    }
}
