package dev.lakehouse.gateway.databricks;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.gateway.tools.ToolExecutionException;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Paging and shaping of Databricks list answers for agents: one upstream page per call (never an unbounded walk),
 * an opaque {@code cursor} for the next, and only the fields an agent needs, so a listing costs little context.
 * <p>
 * Route contract: set variable {@code pageParam} (the upstream page-size parameter, e.g. {@code max_results}; and
 * {@code pageMax} when the API accepts fewer than the gateway's maximum) before
 * {@link #pageQuery}; after the call set {@code resultItems} (the items key) and {@code resultFields} (comma list)
 * and call {@link #page}.
 */
@Component("databricksShapes")
public class DatabricksShapes {

    private static final String CURSOR_PREFIX = "dbx:";

    private final ObjectMapper mapper;
    private final DatabricksProperties properties;

    public DatabricksShapes(ObjectMapper mapper, DatabricksProperties properties) {
        this.mapper = mapper;
        this.properties = properties;
    }

    /** Adds the page size and the upstream page token (from the agent's cursor) to variable dbQuery. */
    @SuppressWarnings("unchecked")
    public void pageQuery(Exchange exchange) {
        JsonNode arguments = exchange.getVariable("toolArguments", JsonNode.class);
        Map<String, Object> query = exchange.getVariable("dbQuery", Map.class);
        query = query == null ? new LinkedHashMap<>() : new LinkedHashMap<>(query);
        int size = arguments.path("page_size").asInt(properties.defaultPageSize());
        // the gateway's maximum, and the API's own where it is lower (variable pageMax: jobs 100, runs 25)
        int max = Math.min(properties.maxPageSize(), exchange.getVariable("pageMax", Integer.MAX_VALUE, Integer.class));
        query.put(exchange.getVariable("pageParam", "max_results", String.class), Math.max(1, Math.min(size, max)));
        String cursor = arguments.path("cursor").asText(null);
        if (cursor != null && !cursor.isBlank()) {
            query.put(exchange.getVariable("pageTokenParam", "page_token", String.class), decode(cursor));
        }
        exchange.setVariable("dbQuery", query);
    }

    /** The answer's items (only the named fields) and the cursor of the next page, if any. */
    public Map<String, Object> page(Exchange exchange) {
        JsonNode response = exchange.getVariable("dbResponse", JsonNode.class);
        String itemsKey = exchange.getVariable("resultItems", String.class);
        List<String> fields = List.of(exchange.getVariable("resultFields", String.class).split(","));
        ArrayNode items = mapper.createArrayNode();
        for (JsonNode item : response.path(itemsKey)) {
            items.add(pick(item, fields));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put(itemsKey, items);
        result.put("count", items.size());
        String next = response.path("next_page_token").asText("");
        if (!next.isEmpty()) {
            result.put("next_cursor", encode(next));
        }
        return result;
    }

    /** One object with only the named fields (dotted names reach into nested objects). */
    public ObjectNode pick(JsonNode item, List<String> fields) {
        ObjectNode picked = mapper.createObjectNode();
        for (String field : fields) {
            String name = field.trim();
            JsonNode value = item.at("/" + name.replace('.', '/'));
            if (!value.isMissingNode() && !value.isNull()) {
                picked.set(name.substring(name.lastIndexOf('.') + 1), value);
            }
        }
        return picked;
    }

    /** The named fields of the whole answer (for get_* tools). */
    public ObjectNode fields(Exchange exchange) {
        JsonNode response = exchange.getVariable("dbResponse", JsonNode.class);
        return pick(response, List.of(exchange.getVariable("resultFields", String.class).split(",")));
    }

    static String encode(String upstreamToken) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_PREFIX + upstreamToken).getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (decoded.startsWith(CURSOR_PREFIX) && decoded.length() > CURSOR_PREFIX.length()) {
                return decoded.substring(CURSOR_PREFIX.length());
            }
        } catch (IllegalArgumentException e) {
            // falls through
        }
        throw new ToolExecutionException("Invalid cursor: pass the next_cursor value of the previous page unchanged.");
    }

    /** An empty map to start variable dbQuery in a route. */
    public Map<String, Object> newQuery() {
        return new LinkedHashMap<>();
    }
}
