package dev.lakehouse.emulator.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The emulator's single Jackson mapper plus tiny helpers for building responses. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() { }

    public static ObjectNode obj() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode arr() {
        return MAPPER.createArrayNode();
    }

    /** Puts the value only when it is not null (Databricks omits absent fields). */
    public static ObjectNode putOpt(ObjectNode node, String field, Object value) {
        if (value != null) {
            node.set(field, MAPPER.valueToTree(value));
        }
        return node;
    }
}
