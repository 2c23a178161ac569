package dev.lakehouse.gateway.databricks.compute;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.tools.ToolExecutionException;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * What the compute tools' declarations (tools/compute.tools.yaml) cannot say in a JSON Schema. Their state changes
 * name their operation and target state in variables computeOperation and computeTarget (declared), which the answer
 * and the error hints use.
 */
@Component("computeRequests")
public class ComputeRequests {

    static String clusterId(Exchange exchange) {
        return exchange.getVariable("toolArguments", JsonNode.class).path("cluster_id").asText();
    }

    /** Exactly one of num_workers and autoscale (checked here: a top-level oneOf in the schema puts off some clients). */
    public void checkResize(Exchange exchange) {
        JsonNode arguments = exchange.getVariable("toolArguments", JsonNode.class);
        boolean fixed = arguments.hasNonNull("num_workers");
        boolean autoscale = arguments.hasNonNull("autoscale");
        if (fixed == autoscale) {
            throw new ToolExecutionException("resize_cluster needs exactly one of num_workers (a fixed size) or autoscale "
                    + "({min_workers, max_workers}). Nothing was changed.");
        }
        JsonNode range = arguments.path("autoscale");
        if (autoscale && range.path("max_workers").asInt() < range.path("min_workers").asInt()) {
            throw new ToolExecutionException("autoscale.max_workers must be at least autoscale.min_workers. Nothing was changed.");
        }
    }
}
