package dev.lakehouse.gateway.databricks.catalog;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.lakehouse.gateway.databricks.DatabricksCalls;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * search_tables: a name fragment looked up with table-summaries in each catalog (first page of catalogs only),
 * stopping at the result cap. State lives in exchange variables, so the route's loop shows every call.
 */
@Component("tableSearch")
public class TableSearch {

    private final ObjectMapper mapper;
    private final int maxCatalogs;
    private final int defaultResults;

    public TableSearch(ObjectMapper mapper, @Value("${gateway.databricks.search.max-catalogs}") int maxCatalogs,
            @Value("${gateway.databricks.search.default-results}") int defaultResults) {
        this.mapper = mapper;
        this.maxCatalogs = maxCatalogs;
        this.defaultResults = defaultResults;
    }

    static final String UC = "/api/2.1/unity-catalog";

    /** The catalog listing the search starts from (made only when no catalog is given). */
    public void catalogListing(Exchange exchange) {
        DatabricksCalls.request(exchange, "GET", UC + "/catalogs", new LinkedHashMap<>(), null, null);
    }

    /** Without a catalog argument the search spans the first page of the catalog listing. */
    public boolean needsCatalogListing(Exchange exchange) {
        return exchange.getVariable("toolArguments", JsonNode.class).path("catalog").asText(null) == null;
    }

    /** After the catalog listing: which catalogs to search, and an empty result list. */
    public void start(Exchange exchange) {
        JsonNode arguments = exchange.getVariable("toolArguments", JsonNode.class);
        Deque<String> catalogs = new ArrayDeque<>();
        String only = arguments.path("catalog").asText(null);
        if (only != null) {
            catalogs.add(only);
        } else {
            for (JsonNode catalog : exchange.getVariable("dbResponse", JsonNode.class).path("catalogs")) {
                if (catalogs.size() < maxCatalogs) {
                    catalogs.add(catalog.path("name").asText());
                }
            }
        }
        exchange.setVariable("searchCatalogs", catalogs);
        exchange.setVariable("searchResults", mapper.createArrayNode());
        exchange.setVariable("searchLimit", Math.max(1, Math.min(arguments.path("max_results").asInt(defaultResults), 200)));
    }

    @SuppressWarnings("unchecked")
    public boolean hasNext(Exchange exchange) {
        Deque<String> catalogs = exchange.getVariable("searchCatalogs", Deque.class);
        ArrayNode results = exchange.getVariable("searchResults", ArrayNode.class);
        return catalogs != null && !catalogs.isEmpty() && results.size() < exchange.getVariable("searchLimit", Integer.class);
    }

    @SuppressWarnings("unchecked")
    public void nextRequest(Exchange exchange) {
        String catalog = ((Deque<String>) exchange.getVariable("searchCatalogs", Deque.class)).removeFirst();
        String fragment = exchange.getVariable("toolArguments", JsonNode.class).path("query").asText();
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("catalog_name", catalog);
        query.put("table_name_pattern", "%" + fragment.replace("%", "").replace("_", "\\_") + "%");
        query.put("max_results", exchange.getVariable("searchLimit", Integer.class));
        DatabricksCalls.request(exchange, "GET", UC + "/table-summaries", query, null, null);
    }

    public void collect(Exchange exchange) {
        ArrayNode results = exchange.getVariable("searchResults", ArrayNode.class);
        int limit = exchange.getVariable("searchLimit", Integer.class);
        for (JsonNode table : exchange.getVariable("dbResponse", JsonNode.class).path("tables")) {
            if (results.size() >= limit) {
                exchange.setVariable("searchTruncated", true);
                break;
            }
            results.addObject().put("full_name", table.path("full_name").asText())
                    .put("table_type", table.path("table_type").asText());
        }
        if (exchange.getVariable("dbResponse", JsonNode.class).hasNonNull("next_page_token")) {
            exchange.setVariable("searchTruncated", true);
        }
    }

    public Map<String, Object> result(Exchange exchange) {
        Map<String, Object> result = new LinkedHashMap<>();
        ArrayNode results = exchange.getVariable("searchResults", ArrayNode.class);
        result.put("tables", results);
        result.put("count", results.size());
        result.put("truncated", exchange.getVariable("searchTruncated", false, Boolean.class) || hasNext(exchange));
        return result;
    }
}
