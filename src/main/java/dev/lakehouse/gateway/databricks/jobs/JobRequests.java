package dev.lakehouse.gateway.databricks.jobs;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.databricks.DatabricksCalls;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Requests of the jobs tools (Jobs API 2.2): each method sets the variables route {@code databricks-call} reads
 * (dbMethod, dbPath, dbQuery, dbBody, dbHint) and, for lists, the shape of the answer (resultItems, resultFields).
 */
@Component("jobRequests")
public class JobRequests {

    static final String JOBS = "/api/2.2/jobs";

    /** Jobs API page limits: jobs/list takes 1..100, runs/list 1..25; a larger limit is a 400, not a smaller page. */
    static final int MAX_JOBS_PAGE = 100;
    static final int MAX_RUNS_PAGE = 25;

    static final String JOB_HINT = "Check the job_id with list_jobs.";
    static final String RUN_HINT = "Check the run_id with list_job_runs (or the run_id returned by run_job).";

    static JsonNode arguments(Exchange exchange) {
        return exchange.getVariable("toolArguments", JsonNode.class);
    }

    private static void page(Exchange exchange, String items, String fields, int max) {
        exchange.setVariable("pageParam", "limit");
        exchange.setVariable("pageMax", max);
        exchange.setVariable("resultItems", items);
        exchange.setVariable("resultFields", fields);
    }

    public void listJobs(Exchange exchange) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("name", arguments(exchange).path("name").asText(null));
        DatabricksCalls.request(exchange, "GET", JOBS + "/list", query, null, null);
        page(exchange, "jobs", "job_id,settings.name,settings.description,creator_user_name,created_time,settings.tags",
                MAX_JOBS_PAGE);
    }

    public void getJob(Exchange exchange) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("job_id", arguments(exchange).path("job_id").asLong());
        DatabricksCalls.request(exchange, "GET", JOBS + "/get", query, null, JOB_HINT);
    }

    public void runJob(Exchange exchange) {
        JsonNode arguments = arguments(exchange);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job_id", arguments.path("job_id").asLong());
        if (arguments.hasNonNull("job_parameters") && !arguments.get("job_parameters").isEmpty()) {
            body.put("job_parameters", arguments.get("job_parameters"));
        }
        if (arguments.hasNonNull("idempotency_token")) {
            body.put("idempotency_token", arguments.get("idempotency_token").asText());
        }
        DatabricksCalls.request(exchange, "POST", JOBS + "/run-now", null, body,
                JOB_HINT + " job_parameters may only name parameters the job defines (see get_job).");
    }

    /** After run-now: the new run, so the answer carries its state right after the start. */
    public void getStartedRun(Exchange exchange) {
        runsGet(exchange, exchange.getVariable("dbResponse", JsonNode.class).path("run_id").asLong());
    }

    public void getJobRun(Exchange exchange) {
        runsGet(exchange, arguments(exchange).path("run_id").asLong());
    }

    private static void runsGet(Exchange exchange, long runId) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("run_id", runId);
        DatabricksCalls.request(exchange, "GET", JOBS + "/runs/get", query, null, RUN_HINT);
    }

    public void listJobRuns(Exchange exchange) {
        JsonNode arguments = arguments(exchange);
        Map<String, Object> query = new LinkedHashMap<>();
        if (arguments.hasNonNull("job_id")) {
            query.put("job_id", arguments.get("job_id").asLong());
        }
        if (arguments.path("active_only").asBoolean(false)) {
            query.put("active_only", true);
        }
        DatabricksCalls.request(exchange, "GET", JOBS + "/runs/list", query, null, JOB_HINT);
        page(exchange, "runs", "run_id,job_id,run_name,state,status,start_time,end_time,trigger,run_page_url", MAX_RUNS_PAGE);
    }

    public void cancelJobRun(Exchange exchange) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run_id", arguments(exchange).path("run_id").asLong());
        DatabricksCalls.request(exchange, "POST", JOBS + "/runs/cancel", null, body, RUN_HINT);
    }

    /** runs/get-output of one task run (the Jobs API refuses it for a whole multi-task job run). */
    static void runOutput(Exchange exchange, long taskRunId) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("run_id", taskRunId);
        DatabricksCalls.request(exchange, "GET", JOBS + "/runs/get-output", query, null, null);
    }
}
