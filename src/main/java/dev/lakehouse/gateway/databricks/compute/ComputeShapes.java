package dev.lakehouse.gateway.databricks.compute;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.gateway.databricks.DatabricksShapes;
import dev.lakehouse.gateway.databricks.DatabricksTimes;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Answers of the cluster and SQL warehouse tools: the fields an agent needs, times as ISO-8601, and a next_step for
 * the state the object is in. A state change answers with the state right after the request and says how to poll,
 * because starting compute takes minutes and no tool call should wait that long.
 */
@Component("computeShapes")
public class ComputeShapes {

    private static final List<String> CLUSTER = List.of("cluster_id", "cluster_name", "state", "state_message", "num_workers",
            "autoscale", "spark_version", "node_type_id", "driver_node_type_id", "cluster_source", "data_security_mode",
            "single_user_name", "runtime_engine", "autotermination_minutes", "creator_user_name", "custom_tags", "start_time",
            "terminated_time", "last_restarted_time", "termination_reason", "cluster_cores", "cluster_memory_mb", "policy_id",
            "instance_pool_id");
    private static final List<String> CLUSTER_CHANGED = List.of("cluster_id", "cluster_name", "state", "state_message",
            "num_workers", "autoscale");
    private static final List<String> WAREHOUSE = List.of("id", "name", "state", "cluster_size", "warehouse_type",
            "enable_serverless_compute", "enable_photon", "min_num_clusters", "max_num_clusters", "num_clusters",
            "num_active_sessions", "auto_stop_mins", "spot_instance_policy", "channel", "health", "creator_name", "jdbc_url");
    private static final List<String> WAREHOUSE_CHANGED = List.of("id", "name", "state", "cluster_size", "num_clusters");

    public ObjectNode cluster(Exchange exchange) {
        ObjectNode cluster = DatabricksShapes.pick(response(exchange), CLUSTER);
        DatabricksTimes.iso(cluster, "start_time", "terminated_time", "last_restarted_time");
        cluster.put("next_step", clusterStep(cluster.path("state").asText()));
        return cluster;
    }

    /** start/terminate/restart/resize: the cluster right after the request, and how to follow it. */
    public ObjectNode clusterChanged(Exchange exchange) {
        ObjectNode cluster = DatabricksShapes.pick(response(exchange), CLUSTER_CHANGED);
        changed(exchange, cluster, "cluster", "get_cluster");
        return cluster;
    }

    public ObjectNode warehouse(Exchange exchange) {
        ObjectNode warehouse = DatabricksShapes.pick(response(exchange), WAREHOUSE);
        warehouse.put("next_step", warehouseStep(warehouse.path("state").asText()));
        return warehouse;
    }

    /** start/stop: the warehouse right after the request, and how to follow it. */
    public ObjectNode warehouseChanged(Exchange exchange) {
        ObjectNode warehouse = DatabricksShapes.pick(response(exchange), WAREHOUSE_CHANGED);
        changed(exchange, warehouse, "warehouse", "get_sql_warehouse");
        return warehouse;
    }

    private static void changed(Exchange exchange, ObjectNode object, String kind, String pollTool) {
        String operation = exchange.getVariable("computeOperation", String.class);
        String target = exchange.getVariable("computeTarget", String.class);
        String state = object.path("state").asText();
        object.put("requested", operation);
        // a resize or restart that already finished reads RUNNING too: only start/stop/terminate can be no-ops
        boolean already = state.equals(target) && !"resize".equals(operation) && !"restart".equals(operation);
        object.put("next_step", already
                ? "The " + kind + " is " + target + " already; nothing else to do."
                : "Databricks accepted the " + operation + " request; the " + kind + " is " + state + " now. This call does "
                        + "not wait: poll " + pollTool + " every 15-30 seconds until state is " + target + ".");
    }

    static String clusterStep(String state) {
        return switch (state) {
            case "RUNNING" -> "The cluster is RUNNING and ready for work. terminate_cluster stops it when it is no longer needed.";
            case "PENDING", "RESTARTING", "RESIZING" -> "The cluster is " + state + ". Poll get_cluster every 15-30 seconds "
                    + "until it is RUNNING.";
            case "TERMINATING" -> "The cluster is stopping. Poll get_cluster until it is TERMINATED.";
            case "TERMINATED" -> "The cluster is not running. start_cluster starts it (it takes a few minutes).";
            default -> "The cluster is " + state + "; read state_message. terminate_cluster and then start_cluster may "
                    + "recover it.";
        };
    }

    static String warehouseStep(String state) {
        return switch (state) {
            case "RUNNING" -> "The warehouse is RUNNING and accepts SQL statements.";
            case "STARTING" -> "The warehouse is starting. Poll get_sql_warehouse until it is RUNNING.";
            case "STOPPING" -> "The warehouse is stopping. Poll get_sql_warehouse until it is STOPPED.";
            case "STOPPED" -> "The warehouse is stopped. start_sql_warehouse starts it.";
            default -> "The warehouse is " + state + "; use another warehouse (list_sql_warehouses).";
        };
    }

    private static JsonNode response(Exchange exchange) {
        return exchange.getVariable("dbResponse", JsonNode.class);
    }
}
