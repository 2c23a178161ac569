package dev.lakehouse.gateway.databricks.jobs;

import java.util.ArrayDeque;
import java.util.Deque;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.lakehouse.gateway.databricks.DatabricksCalls;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * get_job_run_output. The Jobs API refuses runs/get-output for a job run ("Retrieving the output of runs with multiple
 * tasks is not supported", even for one task): the output lives on each task run. So the route reads the run first
 * (runs/get), then the output of each of its task runs, at most {@value #MAX_TASKS}; given a task run id, only that one.
 * State lives in exchange variables, so the route's loop shows every call. Long texts are cut, never the structure.
 */
@Component("jobRunOutputs")
public class JobRunOutputs {

    /** Task outputs fetched per call: each is one upstream request, and each can carry kilobytes of text. */
    static final int MAX_TASKS = 10;
    /** Characters kept of each text (notebook result, error, trace, logs, query), so one call cannot flood a context. */
    static final int MAX_TEXT = 4000;

    private final ObjectMapper mapper;
    private final JobShapes jobShapes;

    public JobRunOutputs(ObjectMapper mapper, JobShapes jobShapes) {
        this.mapper = mapper;
        this.jobShapes = jobShapes;
    }

    static final String JOBS = "/api/2.2/jobs";

    /** The run itself first (runs/get): its task runs are where the outputs are. */
    public void runRequest(Exchange exchange) {
        runsCall(exchange, "/runs/get", exchange.getVariable("toolArguments", JsonNode.class).path("run_id").asLong(),
                "Check the run_id with list_job_runs (or the run_id returned by run_job).");
    }

    private static void runsCall(Exchange exchange, String path, long runId, String hint) {
        java.util.Map<String, Object> query = new java.util.LinkedHashMap<>();
        query.put("run_id", runId);
        DatabricksCalls.request(exchange, "GET", JOBS + path, query, null, hint);
    }

    /** After runs/get: the task runs whose output to fetch (or the run itself when it is a task run). */
    public void start(Exchange exchange) {
        JsonNode run = exchange.getVariable("dbResponse", JsonNode.class);
        long runId = exchange.getVariable("toolArguments", JsonNode.class).path("run_id").asLong();
        JsonNode tasks = run.path("tasks");
        boolean jobRun = tasks.size() > 1 || tasks.size() == 1 && tasks.get(0).path("run_id").asLong() != runId;
        Deque<JsonNode> queue = new ArrayDeque<>();
        ArrayNode omitted = mapper.createArrayNode();
        if (jobRun) {
            for (JsonNode task : tasks) {
                if (queue.size() < MAX_TASKS) {
                    queue.add(task);
                } else {
                    omitted.add(task.path("run_id").asLong());
                }
            }
        } else {
            queue.add(tasks.size() == 1 ? tasks.get(0) : run);
        }
        exchange.setVariable("outputRun", run);
        exchange.setVariable("outputQueue", queue);
        exchange.setVariable("outputOmitted", omitted);
        exchange.setVariable("outputResults", mapper.createArrayNode());
    }

    @SuppressWarnings("unchecked")
    public boolean hasNext(Exchange exchange) {
        Deque<JsonNode> queue = exchange.getVariable("outputQueue", Deque.class);
        return queue != null && !queue.isEmpty();
    }

    @SuppressWarnings("unchecked")
    public void nextRequest(Exchange exchange) {
        JsonNode task = ((Deque<JsonNode>) exchange.getVariable("outputQueue", Deque.class)).removeFirst();
        exchange.setVariable("outputTask", task);
        // runs/get-output of one task run (the Jobs API refuses it for a whole multi-task job run)
        runsCall(exchange, "/runs/get-output", task.path("run_id").asLong(), null);
    }

    /** One task's output: its state, notebook result, SQL statement ids, error and trace (texts capped). */
    public void collect(Exchange exchange) {
        JsonNode output = exchange.getVariable("dbResponse", JsonNode.class);
        ObjectNode entry = task(exchange);
        JsonNode notebook = output.path("notebook_output");
        if (notebook.isObject() && !notebook.isEmpty()) {
            ObjectNode n = entry.putObject("notebook_output");
            n.put("result", cap(notebook.path("result").asText(""), entry));
            n.put("truncated", notebook.path("truncated").asBoolean(false));
        }
        JsonNode query = output.path("sql_output").path("query_output");
        if (query.isObject()) {
            ObjectNode sql = entry.putObject("sql_output");
            putText(sql, "query_text", query.path("query_text"), entry);
            if (query.hasNonNull("warehouse_id")) {
                sql.set("warehouse_id", query.get("warehouse_id"));
            }
            ArrayNode statements = sql.putArray("statement_ids");
            query.path("sql_statements").forEach(s -> statements.add(s.path("lookup_key").asText()));
        } else if (output.path("sql_output").isObject()) {
            // dashboard or alert output: its keys say what it was, its content is not for a model's context
            entry.putObject("sql_output").put("kind", output.get("sql_output").fieldNames().hasNext()
                    ? output.get("sql_output").fieldNames().next() : "empty");
        }
        for (String small : new String[] {"run_job_output", "dbt_output"}) {
            if (output.path(small).isObject()) {
                putText(entry, small, TextNode.valueOf(output.get(small).toString()), entry);
            }
        }
        putText(entry, "error", output.path("error"), entry);
        putText(entry, "error_trace", output.path("error_trace"), entry);
        putText(entry, "logs", output.path("logs"), entry);
        results(exchange).add(entry);
    }

    /** A task whose output could not be read: the reason is kept, the other tasks are still fetched. */
    public void collectFailure(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ObjectNode entry = task(exchange);
        entry.put("output_unavailable", caught == null ? "unknown" : cap(caught.getMessage(), entry));
        results(exchange).add(entry);
    }

    public ObjectNode result(Exchange exchange) {
        JsonNode run = exchange.getVariable("outputRun", JsonNode.class);
        ObjectNode result = jobShapes.summary(run);
        ArrayNode omitted = exchange.getVariable("outputOmitted", ArrayNode.class);
        ArrayNode outputs = results(exchange);
        result.put("tasks_total", outputs.size() + omitted.size());
        result.set("outputs", outputs);
        if (!omitted.isEmpty()) {
            result.set("omitted_task_run_ids", omitted);
            result.put("note", "Only the first " + MAX_TASKS + " task outputs are shown. Call get_job_run_output with one "
                    + "of omitted_task_run_ids for another task's output.");
        } else if (!result.path("done").asBoolean()) {
            result.put("note", "The run has not finished: outputs may be missing. Poll get_job_run until done is true.");
        }
        return result;
    }

    private ObjectNode task(Exchange exchange) {
        JsonNode task = exchange.getVariable("outputTask", JsonNode.class);
        ObjectNode entry = mapper.createObjectNode();
        entry.put("task_key", task.path("task_key").asText(task.path("run_name").asText("")));
        entry.set("run_id", task.path("run_id"));
        JobShapes.state(task, entry);
        entry.remove("status");
        entry.remove("done");
        return entry;
    }

    private ArrayNode results(Exchange exchange) {
        return exchange.getVariable("outputResults", ArrayNode.class);
    }

    private static void putText(ObjectNode target, String field, JsonNode value, ObjectNode entry) {
        if (value != null && !value.isNull() && !value.isMissingNode() && !value.asText().isBlank()) {
            target.put(field, cap(value.asText(), entry));
        }
    }

    /** At most MAX_TEXT characters, the cut said in the text and flagged on the task entry. */
    static String cap(String text, ObjectNode entry) {
        if (text == null || text.length() <= MAX_TEXT) {
            return text;
        }
        entry.put("text_truncated", true);
        return text.substring(0, MAX_TEXT) + "… [cut: first " + MAX_TEXT + " of " + text.length() + " characters]";
    }
}
