package dev.lakehouse.gateway.databricks.compute;

import java.util.LinkedHashMap;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.databricks.DatabricksCalls;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Requests of the SQL warehouse tools (SQL Warehouses API 2.0). The warehouse id is a path segment: the tool schema
 * admits only letters, digits and '-', so it cannot change the path.
 */
@Component("warehouseRequests")
public class WarehouseRequests {

    static final String WAREHOUSES = "/api/2.0/sql/warehouses";
    static final String WAREHOUSE_HINT = "Check the warehouse_id with list_sql_warehouses.";

    private static String warehouseId(Exchange exchange) {
        return exchange.getVariable("toolArguments", JsonNode.class).path("warehouse_id").asText();
    }

    public void listWarehouses(Exchange exchange) {
        DatabricksCalls.request(exchange, "GET", WAREHOUSES, new LinkedHashMap<>(), null, null);
        exchange.setVariable("pageParam", "page_size");
        exchange.setVariable("resultItems", "warehouses");
        exchange.setVariable("resultFields", "id,name,state,cluster_size,warehouse_type,enable_serverless_compute,"
                + "min_num_clusters,max_num_clusters,num_clusters,auto_stop_mins,health");
    }

    public void getWarehouse(Exchange exchange) {
        DatabricksCalls.request(exchange, "GET", WAREHOUSES + "/" + warehouseId(exchange), null, null, WAREHOUSE_HINT);
    }

    public void startWarehouse(Exchange exchange) {
        change(exchange, "start", "RUNNING", "/start");
    }

    public void stopWarehouse(Exchange exchange) {
        change(exchange, "stop", "STOPPED", "/stop");
    }

    /** After start/stop: the warehouse as Databricks reports it right after the request. */
    public void getChangedWarehouse(Exchange exchange) {
        getWarehouse(exchange);
    }

    private static void change(Exchange exchange, String operation, String target, String action) {
        exchange.setVariable("computeOperation", operation);
        exchange.setVariable("computeTarget", target);
        // the API takes an empty JSON object as the body of start and stop
        DatabricksCalls.request(exchange, "POST", WAREHOUSES + "/" + warehouseId(exchange) + action, null,
                new LinkedHashMap<>(), WAREHOUSE_HINT);
    }
}
