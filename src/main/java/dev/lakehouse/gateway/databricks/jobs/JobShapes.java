package dev.lakehouse.gateway.databricks.jobs;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.gateway.databricks.DatabricksShapes;
import dev.lakehouse.gateway.databricks.DatabricksTimes;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Answers of the jobs tools, shaped for an agent: a job's settings reduced to what it needs to run it, and a run's
 * state in both the v1 ({@code state}) and v2 ({@code status}) forms, with {@code done} and a next step, so the model
 * knows whether to poll again without decoding Databricks' state machine.
 */
@Component("jobShapes")
public class JobShapes {

    /** v1 life cycle states after which a run no longer changes. */
    static final Set<String> TERMINAL = Set.of("TERMINATED", "SKIPPED", "INTERNAL_ERROR");

    private static final List<String> JOB_SETTINGS = List.of("schedule", "trigger", "continuous", "max_concurrent_runs",
            "timeout_seconds", "tags");

    private final ObjectMapper mapper;

    public JobShapes(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** get_job: name, tasks (key, kind, dependencies), parameters and the settings that say when and how it runs. */
    public ObjectNode job(Exchange exchange) {
        JsonNode response = exchange.getVariable("dbResponse", JsonNode.class);
        JsonNode settings = response.path("settings");
        ObjectNode job = mapper.createObjectNode();
        job.set("job_id", response.path("job_id"));
        copy(settings, job, "name", "description");
        copy(response, job, "creator_user_name", "run_as_user_name", "created_time");
        DatabricksTimes.iso(job, "created_time");
        ArrayNode tasks = job.putArray("tasks");
        for (JsonNode task : settings.path("tasks")) {
            ObjectNode summary = tasks.addObject();
            summary.set("task_key", task.path("task_key"));
            summary.put("kind", kind(task));
            copy(task, summary, "description");
            if (task.path("depends_on").size() > 0) {
                ArrayNode dependsOn = summary.putArray("depends_on");
                task.path("depends_on").forEach(d -> dependsOn.add(d.path("task_key").asText()));
            }
        }
        ArrayNode parameters = job.putArray("parameters");
        for (JsonNode parameter : settings.path("parameters")) {
            parameters.add(DatabricksShapes.pick(parameter, List.of("name", "default")));
        }
        for (String field : JOB_SETTINGS) {
            copy(settings, job, field);
        }
        if (response.hasNonNull("next_page_token")) {
            // Jobs 2.2 returns at most 100 tasks/parameters per page; the first page is enough to run the job
            job.put("truncated", true);
        }
        return job;
    }

    /** The task type from its *_task field: sql_task -> sql, notebook_task -> notebook, run_job_task -> run_job. */
    static String kind(JsonNode task) {
        for (Iterator<String> names = task.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (name.endsWith("_task") && task.get(name).isObject()) {
                return name.substring(0, name.length() - "_task".length());
            }
        }
        return "unknown";
    }

    /** list_job_runs (after the declared projection): a run's v2 message only where it says more than its v1 one. */
    public void runsPage(Exchange exchange) {
        for (JsonNode run : exchange.getMessage().getBody(JsonNode.class).path("runs")) {
            dropRepeatedMessage(run.path("state").path("state_message").asText(""), run.path("status"));
        }
    }

    /** get_job_run: the run's state, parameters and each task run with its own run_id and state. */
    public ObjectNode run(Exchange exchange) {
        JsonNode response = exchange.getVariable("dbResponse", JsonNode.class);
        ObjectNode run = summary(response);
        if (response.path("job_parameters").size() > 0) {
            ArrayNode parameters = run.putArray("job_parameters");
            for (JsonNode parameter : response.path("job_parameters")) {
                ObjectNode p = parameters.addObject();
                p.set("name", parameter.path("name"));
                p.set("value", parameter.hasNonNull("value") ? parameter.get("value") : parameter.path("default"));
            }
        }
        ArrayNode tasks = run.putArray("tasks");
        for (JsonNode task : response.path("tasks")) {
            ObjectNode t = tasks.addObject();
            t.set("task_key", task.path("task_key"));
            t.set("run_id", task.path("run_id"));
            // per task the v1 state is enough: the run's own status and done say where the whole run stands
            state(task, t);
            t.remove("status");
            t.remove("done");
            copy(task, t, "start_time", "end_time");
            DatabricksTimes.iso(t, "start_time", "end_time");
        }
        run.put("next_step", nextStep(run));
        return run;
    }

    /** run_job: the new run as Databricks reports it right after run-now (it is not waited for). */
    public ObjectNode runStarted(Exchange exchange) {
        ObjectNode run = summary(exchange.getVariable("dbResponse", JsonNode.class));
        run.put("next_step", "The run started and is not waited for. Poll get_job_run with run_id " + run.path("run_id").asText()
                + " every few seconds until done is true, then call get_job_run_output.");
        return run;
    }

    /** cancel_job_run: the run's state right after the cancel request. */
    public ObjectNode runCancelled(Exchange exchange) {
        ObjectNode run = summary(exchange.getVariable("dbResponse", JsonNode.class));
        run.put("next_step", run.path("done").asBoolean()
                ? "The run has finished (" + run.path("result_state").asText(run.path("life_cycle_state").asText())
                        + "); nothing else to cancel."
                : "Cancellation was requested. Poll get_job_run with run_id " + run.path("run_id").asText()
                        + " until done is true (result_state CANCELED).");
        return run;
    }

    /** Identity, v1 state, v2 status, done, and times of a Run (runs/get). */
    ObjectNode summary(JsonNode response) {
        ObjectNode run = mapper.createObjectNode();
        copy(response, run, "run_id", "job_id", "run_name");
        state(response, run);
        copy(response, run, "start_time", "end_time");
        DatabricksTimes.iso(run, "start_time", "end_time");
        if (response.path("run_duration").asLong(0) > 0) {
            run.put("duration_seconds", response.path("run_duration").asLong() / 1000.0);
        }
        copy(response, run, "run_page_url");
        return run;
    }

    /** life_cycle_state / result_state / state_message (v1), status (v2) and done, from a run or a task run. */
    static void state(JsonNode from, ObjectNode to) {
        JsonNode state = from.path("state");
        copy(state, to, "life_cycle_state", "result_state");
        if (!state.path("state_message").asText("").isBlank()) {
            to.set("state_message", state.get("state_message"));
        }
        if (from.path("status").isObject()) {
            ObjectNode status = from.get("status").deepCopy();
            dropRepeatedMessage(state.path("state_message").asText(""), status);
            to.set("status", status);
        }
        to.put("done", TERMINAL.contains(state.path("life_cycle_state").asText())
                || "TERMINATED".equals(from.path("status").path("state").asText()));
    }

    /** The v2 termination message usually repeats the v1 state_message: once is enough in a model's context. */
    private static void dropRepeatedMessage(String stateMessage, JsonNode status) {
        JsonNode details = status.path("termination_details");
        if (details instanceof ObjectNode d && d.path("message").asText("").equals(stateMessage)) {
            d.remove("message");
        }
    }

    private static String nextStep(ObjectNode run) {
        String runId = run.path("run_id").asText();
        if (!run.path("done").asBoolean()) {
            String state = run.path("status").path("state").asText(run.path("life_cycle_state").asText("PENDING"));
            return "The run is " + state + ". Call get_job_run again in a few seconds; done becomes true when it finishes. "
                    + "cancel_job_run stops it.";
        }
        String result = run.path("result_state").asText(run.path("status").path("termination_details").path("code").asText(""));
        if ("SUCCESS".equals(result)) {
            return "The run succeeded. Call get_job_run_output with run_id " + runId + " for its output.";
        }
        if ("CANCELED".equals(result)) {
            return "The run was cancelled. get_job_run_output with run_id " + runId + " shows what its tasks produced.";
        }
        return "The run ended with " + (result.isEmpty() ? run.path("life_cycle_state").asText() : result)
                + ". Call get_job_run_output with run_id " + runId + " for each task's error; fix the cause before run_job again.";
    }

    private static void copy(JsonNode from, ObjectNode to, String... fields) {
        for (String field : fields) {
            JsonNode value = from.get(field);
            if (value != null && !value.isNull()) {
                to.set(field, value);
            }
        }
    }
}
