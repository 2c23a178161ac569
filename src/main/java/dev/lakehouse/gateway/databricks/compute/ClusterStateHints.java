package dev.lakehouse.gateway.databricks.compute;

import java.io.IOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.databricks.DatabricksErrors;
import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import dev.lakehouse.gateway.tools.ToolExecutionException;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * A cluster state change refused with {@code 400 INVALID_STATE "Cluster <id> is in unexpected state Running."}: the
 * generic hint of the call cannot know the state, so this doCatch step rewrites the error with what to do in that
 * state (no need to start a RUNNING cluster; start a TERMINATED one before resizing it; wait while it changes).
 * Any other failure passes through unchanged.
 */
@Component("clusterStateHints")
public class ClusterStateHints {

    private static final Pattern STATE = Pattern.compile("unexpected state (\\w+)");

    private final ObjectMapper mapper;

    public ClusterStateHints(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public void explainRefusal(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        JsonNode body = parse(exchange.getVariable("dbResponseText", "", String.class));
        Matcher state = STATE.matcher(body.path("message").asText(""));
        if (!(caught instanceof ToolExecutionException) || !"INVALID_STATE".equals(body.path("error_code").asText())
                || !state.find()) {
            throw caught instanceof RuntimeException runtime ? runtime : new IllegalStateException(caught);
        }
        String hint = hint(exchange.getVariable("computeOperation", String.class), ComputeRequests.clusterId(exchange),
                state.group(1).toUpperCase(Locale.ROOT)) + " Nothing was changed.";
        throw new ToolExecutionException(DatabricksErrors.describe(exchange.getVariable("dbStatus", 400, Integer.class), body,
                null, exchange.getVariable("connection", WorkspaceConnection.class), hint));
    }

    static String hint(String operation, String clusterId, String state) {
        String cluster = "Cluster " + clusterId + " is " + state;
        boolean changing = state.equals("PENDING") || state.equals("RESTARTING") || state.equals("RESIZING");
        boolean stopped = state.equals("TERMINATED") || state.equals("TERMINATING");
        if ("start".equals(operation)) {
            if (state.equals("RUNNING")) {
                return cluster + " already; no need to start it.";
            }
            if (changing) {
                return cluster + ": it is already starting or changing. Do not start it again; poll get_cluster until RUNNING.";
            }
            if (state.equals("TERMINATING")) {
                return cluster + ": poll get_cluster until TERMINATED, then call start_cluster again.";
            }
        } else if ("resize".equals(operation)) {
            if (stopped) {
                return cluster + " and only a RUNNING cluster can be resized: call start_cluster first"
                        + (state.equals("TERMINATING") ? " once it is TERMINATED" : "")
                        + ", poll get_cluster until RUNNING, then call resize_cluster again.";
            }
            if (changing) {
                return cluster + ": poll get_cluster until RUNNING, then call resize_cluster again.";
            }
        } else if ("restart".equals(operation)) {
            if (stopped) {
                return cluster + ": a stopped cluster is started with start_cluster, not restarted.";
            }
            if (changing) {
                return cluster + ": poll get_cluster until RUNNING, then call restart_cluster again if still needed.";
            }
        }
        return cluster + "; check it with get_cluster and retry when its state allows " + operation + ".";
    }

    private JsonNode parse(String text) {
        try {
            return mapper.readTree(text == null || text.isBlank() ? "{}" : text);
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }
}
