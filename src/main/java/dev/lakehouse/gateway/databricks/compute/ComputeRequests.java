package dev.lakehouse.gateway.databricks.compute;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.tools.ToolExecutionException;
import dev.lakehouse.gateway.databricks.DatabricksCalls;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Requests of the compute tools (Clusters API 2.1): each method sets the variables route {@code databricks-call}
 * reads (dbMethod, dbPath, dbQuery, dbBody, dbHint). A state change also names its operation and the state it aims
 * for (variables computeOperation, computeTarget), which the answer and the error hints use.
 */
@Component("computeRequests")
public class ComputeRequests {

    static final String CLUSTERS = "/api/2.1/clusters";
    static final String CLUSTER_HINT = "Check the cluster_id with list_clusters.";

    static String clusterId(Exchange exchange) {
        return exchange.getVariable("toolArguments", JsonNode.class).path("cluster_id").asText();
    }

    public void listClusters(Exchange exchange) {
        DatabricksCalls.request(exchange, "GET", CLUSTERS + "/list", new LinkedHashMap<>(), null, null);
        exchange.setVariable("pageParam", "page_size");
        exchange.setVariable("resultItems", "clusters");
        exchange.setVariable("resultFields", "cluster_id,cluster_name,state,state_message,num_workers,autoscale,spark_version,"
                + "node_type_id,cluster_source,creator_user_name,autotermination_minutes");
    }

    public void getCluster(Exchange exchange) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("cluster_id", clusterId(exchange));
        DatabricksCalls.request(exchange, "GET", CLUSTERS + "/get", query, null, CLUSTER_HINT);
    }

    public void startCluster(Exchange exchange) {
        change(exchange, "start", "RUNNING", "/start", body(exchange));
    }

    /** Terminate is clusters/delete in the API (permanent-delete is the one that removes a cluster). */
    public void terminateCluster(Exchange exchange) {
        change(exchange, "terminate", "TERMINATED", "/delete", body(exchange));
    }

    public void restartCluster(Exchange exchange) {
        change(exchange, "restart", "RUNNING", "/restart", body(exchange));
    }

    /** Exactly one of num_workers and autoscale (checked here: a top-level oneOf in the schema puts off some clients). */
    public void resizeCluster(Exchange exchange) {
        JsonNode arguments = exchange.getVariable("toolArguments", JsonNode.class);
        boolean fixed = arguments.hasNonNull("num_workers");
        boolean autoscale = arguments.hasNonNull("autoscale");
        if (fixed == autoscale) {
            throw new ToolExecutionException("resize_cluster needs exactly one of num_workers (a fixed size) or autoscale "
                    + "({min_workers, max_workers}). Nothing was changed.");
        }
        Map<String, Object> body = body(exchange);
        if (fixed) {
            body.put("num_workers", arguments.get("num_workers").asInt());
        } else {
            JsonNode range = arguments.get("autoscale");
            if (range.path("max_workers").asInt() < range.path("min_workers").asInt()) {
                throw new ToolExecutionException("autoscale.max_workers must be at least autoscale.min_workers. Nothing was changed.");
            }
            body.put("autoscale", range);
        }
        change(exchange, "resize", "RUNNING", "/resize", body);
    }

    /** After a state change: the cluster as Databricks reports it right after the request. */
    public void getChangedCluster(Exchange exchange) {
        getCluster(exchange);
    }

    private static Map<String, Object> body(Exchange exchange) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cluster_id", clusterId(exchange));
        return body;
    }

    private static void change(Exchange exchange, String operation, String target, String path, Map<String, Object> body) {
        exchange.setVariable("computeOperation", operation);
        exchange.setVariable("computeTarget", target);
        DatabricksCalls.request(exchange, "POST", CLUSTERS + path, null, body, CLUSTER_HINT);
    }
}
