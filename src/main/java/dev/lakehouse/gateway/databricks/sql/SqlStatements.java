package dev.lakehouse.gateway.databricks.sql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.databricks.DatabricksCalls;
import dev.lakehouse.gateway.databricks.DatabricksProperties;
import dev.lakehouse.gateway.mcp.McpCall;
import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import dev.lakehouse.gateway.tools.ToolExecutionException;
import dev.lakehouse.gateway.tools.ToolPolicy;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The statement side of the SQL pipeline (Statement Execution API 2.0): guard, warehouse choice, submit, polling
 * with backoff and progress, and the upstream cancel when the agent cancels. State lives in exchange variables
 * (sqlStatementId, sqlState, sqlDeadline, sqlPolls), so the route's loop shows each step.
 */
@Component("sqlStatements")
public class SqlStatements {

    private static final Logger LOG = LoggerFactory.getLogger(SqlStatements.class);
    static final String STATEMENTS = "/api/2.0/sql/statements";

    private final ReadOnlySqlGuard guard;
    private final ToolPolicy policy;
    private final DatabricksProperties.Sql sql;
    private final ProducerTemplate producer;
    private final StatementOwners owners;
    /** Statements this replica is polling right now (gauge gateway.sql.statements.waiting). */
    private final AtomicInteger waiting = new AtomicInteger();

    public SqlStatements(ReadOnlySqlGuard guard, ToolPolicy policy, DatabricksProperties properties, CamelContext camel,
            StatementOwners owners, MeterRegistry registry) {
        this.guard = guard;
        this.policy = policy;
        this.sql = properties.sql();
        this.producer = camel.createProducerTemplate();
        this.owners = owners;
        Gauge.builder("gateway.sql.statements.waiting", waiting, AtomicInteger::get)
                .description("SQL statements not yet finished that the gateway is polling for an agent")
                .register(registry);
    }

    private static JsonNode args(Exchange exchange) {
        return exchange.getVariable("toolArguments", JsonNode.class);
    }

    /** Deadline of this call: timeout_seconds (capped), from now. */
    public void startClock(Exchange exchange) {
        int timeout = Math.max(1, Math.min(args(exchange).path("timeout_seconds").asInt(sql.defaultTimeoutSeconds()),
                sql.maxTimeoutSeconds()));
        exchange.setVariable("sqlTimeoutSeconds", timeout);
        exchange.setVariable("sqlStarted", System.currentTimeMillis());
        exchange.setVariable("sqlDeadline", System.currentTimeMillis() + timeout * 1000L);
        exchange.setVariable("sqlPolls", 0);
    }

    /** Read-only guard by parser; a write passes only where the connection's policy allows it (maybe after a yes). */
    public void guard(Exchange exchange) {
        String statement = args(exchange).path("statement").asText();
        ReadOnlySqlGuard.Verdict verdict = guard.check(statement);
        if (!verdict.allowed()) {
            policy.authorizeWrite(exchange, verdict.reason());
        }
    }

    /**
     * The warehouse: the one given, else the connection's default; else variable sqlWarehouse stays null and the
     * route lists the warehouses to pick a running one.
     */
    public void chooseWarehouse(Exchange exchange) {
        WorkspaceConnection connection = exchange.getVariable("connection", WorkspaceConnection.class);
        String given = args(exchange).path("warehouse_id").asText(null);
        String chosen = given != null ? given : connection.defaultWarehouse();
        exchange.setVariable("sqlWarehouse", chosen);
        exchange.setVariable("sqlWarehouseSource", given != null ? "given" : chosen != null ? "connection default" : null);
        if (chosen == null) {
            DatabricksCalls.request(exchange, "GET", "/api/2.0/sql/warehouses", null, null, null);
        }
    }

    public void pickWarehouse(Exchange exchange) {
        JsonNode running = null;
        JsonNode first = null;
        for (JsonNode warehouse : exchange.getVariable("dbResponse", JsonNode.class).path("warehouses")) {
            first = first == null ? warehouse : first;
            if (running == null && "RUNNING".equals(warehouse.path("state").asText())) {
                running = warehouse;
            }
        }
        JsonNode chosen = running != null ? running : first;
        if (chosen == null) {
            throw new ToolExecutionException("This workspace has no SQL warehouse. A workspace admin must create one.");
        }
        exchange.setVariable("sqlWarehouse", chosen.path("id").asText());
        exchange.setVariable("sqlWarehouseSource", running != null ? "a running warehouse" : "the first warehouse (not running: it starts on demand)");
    }

    /** POST /api/2.0/sql/statements with a short wait, continuing upstream if it is not done by then. */
    public void submitRequest(Exchange exchange) {
        JsonNode args = args(exchange);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("statement", args.path("statement").asText());
        body.put("warehouse_id", exchange.getVariable("sqlWarehouse", String.class));
        if (args.hasNonNull("catalog")) {
            body.put("catalog", args.get("catalog").asText());
        }
        if (args.hasNonNull("schema")) {
            body.put("schema", args.get("schema").asText());
        }
        List<Map<String, Object>> parameters = parameters(args.path("parameters"));
        if (!parameters.isEmpty()) {
            body.put("parameters", parameters);
        }
        long submitWait = Math.min(sql.submitWait().toSeconds(), exchange.getVariable("sqlTimeoutSeconds", Integer.class));
        body.put("wait_timeout", (submitWait < 5 ? 0 : Math.min(submitWait, 50)) + "s");
        body.put("on_wait_timeout", "CONTINUE");
        body.put("disposition", "INLINE");
        body.put("format", "JSON_ARRAY");
        body.put("row_limit", sql.upstreamRowLimit());
        DatabricksCalls.request(exchange, "POST", STATEMENTS, null, body,
                "Check the SQL, the warehouse_id (list_sql_warehouses) and the table names.");
    }

    /** Named parameters: strings as STRING, integers as BIGINT, other numbers as DOUBLE, booleans, nulls. */
    static List<Map<String, Object>> parameters(JsonNode given) {
        List<Map<String, Object>> parameters = new ArrayList<>();
        given.fields().forEachRemaining(entry -> {
            Map<String, Object> parameter = new LinkedHashMap<>();
            parameter.put("name", entry.getKey());
            JsonNode value = entry.getValue();
            if (!value.isNull()) {
                parameter.put("value", value.asText());
                if (value.isIntegralNumber()) {
                    parameter.put("type", "BIGINT");
                } else if (value.isNumber()) {
                    parameter.put("type", "DOUBLE");
                } else if (value.isBoolean()) {
                    parameter.put("type", "BOOLEAN");
                }
            }
            parameters.add(parameter);
        });
        return parameters;
    }

    /** get_statement_result / cancel_statement: the statement named by the agent. */
    public void getRequest(Exchange exchange) {
        String id = statementIdArgument(exchange);
        exchange.setVariable("sqlStatementId", id);
        DatabricksCalls.request(exchange, "GET", STATEMENTS + "/" + id, null, null,
                "The statement id is unknown or its results expired (they are kept about an hour): run the query again.");
    }

    public void cancelRequest(Exchange exchange) {
        String id = statementIdArgument(exchange);
        exchange.setVariable("sqlStatementId", id);
        DatabricksCalls.request(exchange, "POST", STATEMENTS + "/" + id + "/cancel", null, Map.of(), "Check the statement id.");
    }

    /** A statement this tenant's connection started through the gateway; any other id is unknown. */
    private String statementIdArgument(Exchange exchange) {
        String id = args(exchange).path("statement_id").asText();
        if (!id.matches("[A-Za-z0-9-]{1,64}")) {
            throw new ToolExecutionException("statement_id must be the id returned by execute_sql.");
        }
        if (!owners.owns(id, exchange.getVariable("connection", WorkspaceConnection.class))) {
            throw new ToolExecutionException("Statement " + id + " is unknown on this workspace (or its results expired): "
                    + "run the query again with execute_sql.");
        }
        return id;
    }

    /** After each statement answer: its id and state; the first time, arrange the upstream cancel. */
    public void track(Exchange exchange) {
        JsonNode response = exchange.getVariable("dbResponse", JsonNode.class);
        String id = response.path("statement_id").asText(exchange.getVariable("sqlStatementId", String.class));
        String state = response.path("status").path("state").asText("PENDING");
        exchange.setVariable("sqlState", state);
        exchange.setVariable("sqlStatement", response);
        if (exchange.getVariable("sqlStatementId", String.class) == null || !exchange.getVariable("sqlCancelArmed", false, Boolean.class)) {
            exchange.setVariable("sqlStatementId", id);
            owners.record(id, exchange.getVariable("connection", WorkspaceConnection.class));
            armCancel(exchange, id);
        }
    }

    /** notifications/cancelled from the agent cancels the statement upstream, from the cancelling thread. */
    private void armCancel(Exchange exchange, String statementId) {
        McpCall call = exchange.getVariable("mcpCall", McpCall.class);
        WorkspaceConnection connection = exchange.getVariable("connection", WorkspaceConnection.class);
        if (call == null || statementId == null) {
            return;
        }
        exchange.setVariable("sqlCancelArmed", true);
        call.onCancel(() -> {
            LOG.debug("agent cancelled: cancelling statement upstream on {}", connection.key());
            Exchange cancel = producer.send("direct:databricks-call", ex -> {
                ex.setVariable("connection", connection);
                DatabricksCalls.request(ex, "POST", STATEMENTS + "/" + statementId + "/cancel", null, Map.of(), null);
            });
            if (cancel.getException() != null) {
                LOG.warn("upstream cancel failed: {}", cancel.getException().getMessage());
            }
        });
    }

    /** Entering the polling loop: a statement still PENDING or RUNNING counts as waiting until {@link #waitEnds}. */
    public void waitBegins(Exchange exchange) {
        String state = exchange.getVariable("sqlState", String.class);
        if ("PENDING".equals(state) || "RUNNING".equals(state)) {
            waiting.incrementAndGet();
            exchange.setVariable("sqlWaitCounted", true);
        }
    }

    /** Leaving the polling loop however it ended (done, deadline, cancel, failure). */
    public void waitEnds(Exchange exchange) {
        if (exchange.getVariable("sqlWaitCounted", false, Boolean.class)) {
            exchange.setVariable("sqlWaitCounted", false);
            waiting.decrementAndGet();
        }
    }

    /** The polling loop goes on while the statement runs, the deadline is ahead and the agent has not cancelled. */
    public boolean keepPolling(Exchange exchange) {
        String state = exchange.getVariable("sqlState", String.class);
        McpCall call = exchange.getVariable("mcpCall", McpCall.class);
        boolean running = "PENDING".equals(state) || "RUNNING".equals(state);
        return running && (call == null || !call.isCancelled())
                && System.currentTimeMillis() + nextDelay(exchange) < exchange.getVariable("sqlDeadline", Long.class);
    }

    /** Backoff: initial delay times backoff^polls, at most the maximum. */
    public long nextDelay(Exchange exchange) {
        int polls = exchange.getVariable("sqlPolls", 0, Integer.class);
        double delay = sql.pollInitialDelay().toMillis() * Math.pow(sql.pollBackoff(), polls);
        return (long) Math.min(delay, sql.pollMaxDelay().toMillis());
    }

    /** notifications/progress (when the agent gave a progress token): elapsed seconds of the timeout, with the state. */
    public void reportProgress(Exchange exchange) {
        McpCall call = exchange.getVariable("mcpCall", McpCall.class);
        int polls = exchange.getVariable("sqlPolls", 0, Integer.class);
        exchange.setVariable("sqlPollDelay", nextDelay(exchange));
        exchange.setVariable("sqlPolls", polls + 1);
        if (call != null) {
            long elapsedMs = System.currentTimeMillis() - exchange.getVariable("sqlStarted", Long.class);
            call.progress(elapsedMs / 1000.0, exchange.getVariable("sqlTimeoutSeconds", Integer.class),
                    "statement " + exchange.getVariable("sqlStatementId", String.class) + " is "
                            + exchange.getVariable("sqlState", String.class) + " (" + elapsedMs / 1000 + " s)");
        }
    }

    public void pollRequest(Exchange exchange) {
        DatabricksCalls.request(exchange, "GET", STATEMENTS + "/" + exchange.getVariable("sqlStatementId", String.class), null, null, null);
    }

}
