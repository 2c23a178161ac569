package dev.lakehouse.gateway.databricks.catalog;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.databricks.DatabricksCalls;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Requests of the Unity Catalog tools (API 2.1): each method sets the variables route {@code databricks-call}
 * reads (dbMethod, dbPath, dbQuery, dbHint) and the shape of the answer (resultItems, resultFields).
 */
@Component("catalogRequests")
public class CatalogRequests {

    static final String UC = "/api/2.1/unity-catalog";

    private static String arg(Exchange exchange, String name) {
        JsonNode value = exchange.getVariable("toolArguments", JsonNode.class).get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static void get(Exchange exchange, String path, Map<String, Object> query, String hint) {
        DatabricksCalls.request(exchange, "GET", path, query, null, hint);
        exchange.setVariable("pageParam", "max_results");
    }

    private static void shape(Exchange exchange, String items, String fields) {
        exchange.setVariable("resultItems", items);
        exchange.setVariable("resultFields", fields);
    }

    public void listCatalogs(Exchange exchange) {
        get(exchange, UC + "/catalogs", new LinkedHashMap<>(), null);
        shape(exchange, "catalogs", "name,comment,owner,catalog_type");
    }

    public void listSchemas(Exchange exchange) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("catalog_name", arg(exchange, "catalog"));
        get(exchange, UC + "/schemas", query, "Check the catalog name with list_catalogs.");
        shape(exchange, "schemas", "name,full_name,comment,owner");
    }

    /** Plain listing, or the table-summaries search when a name pattern (SQL LIKE) is given. */
    public void listTables(Exchange exchange) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("catalog_name", arg(exchange, "catalog"));
        String pattern = arg(exchange, "name_pattern");
        String hint = "Check the names with list_catalogs and list_schemas.";
        if (pattern != null && !pattern.isBlank()) {
            query.put("schema_name_pattern", arg(exchange, "schema"));
            query.put("table_name_pattern", pattern);
            get(exchange, UC + "/table-summaries", query, hint);
            shape(exchange, "tables", "full_name,table_type");
        } else {
            query.put("schema_name", arg(exchange, "schema"));
            query.put("omit_columns", true);
            query.put("omit_properties", true);
            get(exchange, UC + "/tables", query, hint);
            shape(exchange, "tables", "name,full_name,table_type,data_source_format,comment");
        }
    }

    public void describeTable(Exchange exchange) {
        get(exchange, UC + "/tables/" + arg(exchange, "full_name"), null,
                "Use the three-part name catalog.schema.table; find tables with list_tables or search_tables.");
        shape(exchange, null, "full_name,table_type,data_source_format,comment,owner,properties,storage_location,"
                + "created_at,updated_at,view_definition");
    }

    public void listFunctions(Exchange exchange) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("catalog_name", arg(exchange, "catalog"));
        query.put("schema_name", arg(exchange, "schema"));
        get(exchange, UC + "/functions", query, "Check the names with list_catalogs and list_schemas.");
        shape(exchange, "functions", "name,full_name,data_type,full_data_type,comment,routine_body");
    }

    public void listVolumes(Exchange exchange) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("catalog_name", arg(exchange, "catalog"));
        query.put("schema_name", arg(exchange, "schema"));
        get(exchange, UC + "/volumes", query, "Check the names with list_catalogs and list_schemas.");
        shape(exchange, "volumes", "name,full_name,volume_type,comment,owner,storage_location");
    }
}
