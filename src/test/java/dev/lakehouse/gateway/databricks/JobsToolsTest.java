package dev.lakehouse.gateway.databricks;

import static dev.lakehouse.gateway.databricks.ToolCalls.args;
import static dev.lakehouse.gateway.databricks.ToolCalls.error;
import static dev.lakehouse.gateway.databricks.ToolCalls.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.gateway.databricks.jobs.JobRunOutputs;
import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The jobs tools against the embedded emulator's seeded jobs: 700000000001 (SQL task with a parameter), 700000000002
 * (notebook task, exit value 25), 700000000003 (two SQL tasks, the second fails). On acme the group is 'read', on
 * globex 'on': runs are started on globex.
 */
class JobsToolsTest extends GatewayTestBase {

    static final long REVENUE = 700000000001L;
    static final long NATIONS = 700000000002L;
    static final long ETL = 700000000003L;

    @Autowired
    JobRunOutputs outputs;

    @Autowired
    CamelContext camel;

    private McpSyncClient client;

    @BeforeEach
    void connect() {
        client = McpTestClients.plain(port, null);
    }

    @AfterEach
    void close() {
        client.closeGracefully();
    }

    private JsonNode awaitDone(long runId) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last.set(ok(client, "get_job_run", args("run_id", runId, "workspace", "globex")));
            return last.get().path("done").asBoolean();
        });
        return last.get();
    }

    private long runOnGlobex(long jobId, Map<String, Object> extra) {
        Map<String, Object> arguments = args("job_id", jobId, "workspace", "globex");
        arguments.putAll(extra);
        JsonNode started = ok(client, "run_job", arguments);
        assertThat(started.path("job_id").asLong()).isEqualTo(jobId);
        assertThat(started.path("done").asBoolean()).isFalse();
        assertThat(started.path("next_step").asText()).contains("get_job_run");
        return started.path("run_id").asLong();
    }

    @Test
    void listJobsWithPagingAndNameFilter() {
        JsonNode all = ok(client, "list_jobs", Map.of());
        assertThat(all.path("jobs").findValuesAsText("name")).containsExactly("Revenue by region", "Nation count", "Nightly ETL");
        assertThat(all.path("jobs").get(0).path("job_id").asLong()).isEqualTo(REVENUE);
        assertThat(all.path("jobs").get(0).path("created_time").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
        assertThat(all.has("next_cursor")).isFalse();

        JsonNode first = ok(client, "list_jobs", args("page_size", 2));
        assertThat(first.path("count").asInt()).isEqualTo(2);
        JsonNode second = ok(client, "list_jobs", args("page_size", 2, "cursor", first.path("next_cursor").asText()));
        assertThat(second.path("jobs").findValuesAsText("job_id")).containsExactly(String.valueOf(ETL));
        assertThat(second.has("next_cursor")).isFalse();

        JsonNode named = ok(client, "list_jobs", args("name", "nightly etl"));
        assertThat(named.path("jobs").findValuesAsText("job_id")).containsExactly(String.valueOf(ETL));
        assertThat(ok(client, "list_jobs", args("name", "no such job")).path("count").asInt()).isZero();

        assertThat(error(client, "list_jobs", args("cursor", "not-a-cursor"))).contains("Invalid cursor");
    }

    @Test
    void getJobSummarisesTasksParametersAndSettings() {
        JsonNode revenue = ok(client, "get_job", args("job_id", REVENUE));
        assertThat(revenue.path("name").asText()).isEqualTo("Revenue by region");
        assertThat(revenue.path("tasks")).hasSize(1);
        assertThat(revenue.path("tasks").get(0).path("task_key").asText()).isEqualTo("revenue_by_region");
        assertThat(revenue.path("tasks").get(0).path("kind").asText()).isEqualTo("sql");
        assertThat(revenue.path("parameters").get(0).path("name").asText()).isEqualTo("min_order_date");
        assertThat(revenue.path("parameters").get(0).path("default").asText()).isEqualTo("1992-01-01");
        assertThat(revenue.path("tags").path("team").asText()).isEqualTo("finance");

        JsonNode etl = ok(client, "get_job", args("job_id", ETL, "workspace", "globex"));
        assertThat(etl.path("tasks").findValuesAsText("task_key")).containsExactly("extract", "load");
        assertThat(etl.path("tasks").get(1).path("depends_on").get(0).asText()).isEqualTo("extract");
        assertThat(ok(client, "get_job", args("job_id", NATIONS)).path("tasks").get(0).path("kind").asText()).isEqualTo("notebook");
    }

    @Test
    void runJobOnGlobexUntilSuccessThenReadItsOutput() {
        long runId = runOnGlobex(REVENUE, Map.of("job_parameters", Map.of("min_order_date", "1995-01-01")));

        JsonNode done = awaitDone(runId);
        assertThat(done.path("life_cycle_state").asText()).isEqualTo("TERMINATED");
        assertThat(done.path("result_state").asText()).isEqualTo("SUCCESS");
        assertThat(done.path("status").path("state").asText()).isEqualTo("TERMINATED");
        assertThat(done.path("status").path("termination_details").path("code").asText()).isEqualTo("SUCCESS");
        assertThat(done.path("start_time").asText()).endsWith("Z");
        assertThat(done.path("end_time").asText()).endsWith("Z");
        assertThat(done.path("job_parameters").get(0).path("value").asText()).isEqualTo("1995-01-01");
        JsonNode task = done.path("tasks").get(0);
        assertThat(task.path("task_key").asText()).isEqualTo("revenue_by_region");
        assertThat(task.path("result_state").asText()).isEqualTo("SUCCESS");
        assertThat(task.path("run_id").asLong()).isNotEqualTo(runId);
        assertThat(done.path("next_step").asText()).contains("get_job_run_output");

        // the job run id: the gateway reads each task run's output (the API itself refuses a multi-task run)
        JsonNode output = ok(client, "get_job_run_output", args("run_id", runId, "workspace", "globex"));
        assertThat(output.path("result_state").asText()).isEqualTo("SUCCESS");
        assertThat(output.path("tasks_total").asInt()).isEqualTo(1);
        JsonNode sql = output.path("outputs").get(0).path("sql_output");
        assertThat(output.path("outputs").get(0).path("task_key").asText()).isEqualTo("revenue_by_region");
        assertThat(sql.path("query_text").asText()).contains("samples.tpch.orders");
        assertThat(sql.path("statement_ids")).hasSize(1);

        // a task run id: only that task
        JsonNode single = ok(client, "get_job_run_output", args("run_id", task.path("run_id").asLong(), "workspace", "globex"));
        assertThat(single.path("outputs")).hasSize(1);
        assertThat(single.path("outputs").get(0).path("run_id").asLong()).isEqualTo(task.path("run_id").asLong());

        JsonNode runs = ok(client, "list_job_runs", args("job_id", REVENUE, "workspace", "globex"));
        assertThat(runs.path("runs").findValuesAsText("run_id")).contains(String.valueOf(runId));
        assertThat(runs.path("runs").get(0).path("state").has("life_cycle_state")).isTrue();
    }

    @Test
    void notebookTaskOutputIsTheExitValue() {
        long runId = runOnGlobex(NATIONS, Map.of());
        assertThat(awaitDone(runId).path("result_state").asText()).isEqualTo("SUCCESS");
        JsonNode output = ok(client, "get_job_run_output", args("run_id", runId, "workspace", "globex"));
        assertThat(output.path("outputs").get(0).path("notebook_output").path("result").asText()).isEqualTo("25");
    }

    @Test
    void aFailingJobShowsWhichTaskFailedAndWhy() {
        long runId = runOnGlobex(ETL, Map.of());
        JsonNode done = awaitDone(runId);
        assertThat(done.path("result_state").asText()).isEqualTo("FAILED");
        assertThat(done.path("life_cycle_state").asText()).isEqualTo("INTERNAL_ERROR");
        assertThat(done.path("status").path("termination_details").path("code").asText()).isEqualTo("RUN_EXECUTION_ERROR");
        assertThat(done.path("state_message").asText()).contains("Task load failed");
        assertThat(done.path("tasks").get(0).path("result_state").asText()).isEqualTo("SUCCESS");
        assertThat(done.path("tasks").get(1).path("result_state").asText()).isEqualTo("FAILED");
        assertThat(done.path("next_step").asText()).contains("FAILED").contains("get_job_run_output");

        JsonNode output = ok(client, "get_job_run_output", args("run_id", runId, "workspace", "globex"));
        assertThat(output.path("tasks_total").asInt()).isEqualTo(2);
        JsonNode load = output.path("outputs").get(1);
        assertThat(load.path("task_key").asText()).isEqualTo("load");
        assertThat(load.path("result_state").asText()).isEqualTo("FAILED");
        assertThat(load.path("error").asText()).contains("employee_archive");
        assertThat(output.path("outputs").get(0).has("error")).isFalse();
    }

    @Test
    void anIdempotencyTokenReturnsTheSameRun() {
        String token = "test-" + UUID.randomUUID();
        long first = runOnGlobex(REVENUE, Map.of("idempotency_token", token));
        JsonNode again = ok(client, "run_job", args("job_id", REVENUE, "workspace", "globex", "idempotency_token", token));
        assertThat(again.path("run_id").asLong()).isEqualTo(first);
        awaitDone(first);
    }

    @Test
    void cancelAJobRun() {
        long runId = runOnGlobex(REVENUE, Map.of());
        JsonNode active = ok(client, "list_job_runs", args("active_only", true, "workspace", "globex"));
        JsonNode cancelled = ok(client, "cancel_job_run", args("run_id", runId, "workspace", "globex"));
        assertThat(cancelled.path("run_id").asLong()).isEqualTo(runId);
        JsonNode done = awaitDone(runId);
        if (cancelled.path("done").asBoolean()) {
            // the run outran the cancel request: the answer must say so, not pretend to cancel
            assertThat(cancelled.path("next_step").asText()).contains("nothing else to cancel");
        } else {
            assertThat(active.path("runs").findValuesAsText("run_id")).contains(String.valueOf(runId));
            assertThat(cancelled.path("next_step").asText()).contains("Cancellation was requested");
            assertThat(done.path("result_state").asText()).isEqualTo("CANCELED");
            assertThat(done.path("status").path("termination_details").path("code").asText()).isEqualTo("USER_CANCELED");
        }
        // cancelling a finished run changes nothing
        JsonNode again = ok(client, "cancel_job_run", args("run_id", runId, "workspace", "globex"));
        assertThat(again.path("result_state").asText()).isEqualTo(done.path("result_state").asText());
    }

    @Test
    @SuppressWarnings("unchecked")
    void runJobIsNotEnabledWhereJobsAreReadOnlyOrOff() {
        String acme = error(client, "run_job", args("job_id", REVENUE));
        assertThat(acme).contains("run_job is not enabled on workspace 'acme'");
        assertThat(error(client, "cancel_job_run", args("run_id", 1, "workspace", "acme"))).contains("not enabled on workspace 'acme'");
        assertThat(ok(client, "list_job_runs", args("job_id", REVENUE)).path("count").asInt())
                .as("nothing ran on acme").isZero();

        assertThat(error(client, "list_jobs", args("workspace", "acme-locked"))).contains("not enabled on workspace 'acme-locked'");
        assertThat(error(client, "get_job_run", args("run_id", 1, "workspace", "acme-locked"))).contains("not enabled");

        assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
                .contains("list_jobs", "get_job", "run_job", "get_job_run", "list_job_runs", "cancel_job_run", "get_job_run_output",
                        "list_clusters", "start_cluster", "resize_cluster", "list_sql_warehouses", "stop_sql_warehouse");
        McpSchema.Tool runJob = client.listTools().tools().stream().filter(t -> t.name().equals("run_job")).findFirst().orElseThrow();
        assertThat(runJob.annotations().readOnlyHint()).isFalse();
        assertThat((Map<String, Object>) runJob.inputSchema().get("properties")).containsKeys("job_id", "job_parameters", "idempotency_token", "workspace");
    }

    @Test
    void unknownIdsAndBadParametersAreToolErrorsWithHints() {
        assertThat(error(client, "get_job", args("job_id", 123))).contains("Job 123 does not exist").contains("list_jobs");
        assertThat(error(client, "get_job_run", args("run_id", 999))).contains("Run 999 does not exist").contains("list_job_runs");
        assertThat(error(client, "get_job_run_output", args("run_id", 999))).contains("does not exist");
        assertThat(error(client, "run_job", args("job_id", 123, "workspace", "globex"))).contains("does not exist");
        assertThat(error(client, "run_job", args("job_id", REVENUE, "workspace", "globex",
                "job_parameters", Map.of("no_such_parameter", "x")))).contains("no_such_parameter").contains("get_job");
        assertThat(error(client, "run_job", args("job_id", REVENUE, "workspace", "globex",
                "job_parameters", Map.of("min_order_date", 5)))).contains("Invalid arguments");
    }

    /** The emulator's jobs have two tasks at most: the caps are checked on the bean with a run of twelve tasks. */
    @Test
    void outputsAreCappedAtTenTasksAndLongTextsAreCut() {
        ObjectNode run = JSON.createObjectNode().put("run_id", 1).put("job_id", 2);
        run.putObject("state").put("life_cycle_state", "TERMINATED").put("result_state", "FAILED");
        ArrayNode tasks = run.putArray("tasks");
        for (int i = 1; i <= 12; i++) {
            tasks.addObject().put("task_key", "t" + i).put("run_id", 100 + i);
        }
        Exchange exchange = new DefaultExchange(camel);
        exchange.setVariable("toolArguments", JSON.createObjectNode().put("run_id", 1));
        exchange.setVariable("dbResponse", run);
        outputs.start(exchange);
        int fetched = 0;
        while (outputs.hasNext(exchange)) {
            outputs.nextRequest(exchange);
            assertThat(exchange.getVariable("dbPath", String.class)).endsWith("/jobs/runs/get-output");
            assertThat(exchange.getVariable("dbQuery", Map.class)).containsEntry("run_id", 101L + fetched);
            ObjectNode output = JSON.createObjectNode();
            output.put("error", "x".repeat(10_000));
            output.putObject("notebook_output").put("result", "short");
            exchange.setVariable("dbResponse", output);
            outputs.collect(exchange);
            fetched++;
        }
        assertThat(fetched).isEqualTo(10);
        JsonNode result = outputs.result(exchange);
        assertThat(result.path("tasks_total").asInt()).isEqualTo(12);
        assertThat(result.path("omitted_task_run_ids").toString()).isEqualTo("[111,112]");
        assertThat(result.path("note").asText()).contains("omitted_task_run_ids");
        JsonNode first = result.path("outputs").get(0);
        assertThat(first.path("task_key").asText()).isEqualTo("t1");
        assertThat(first.path("notebook_output").path("result").asText()).isEqualTo("short");
        assertThat(first.path("error").asText()).hasSizeLessThan(4100).startsWith("xxxx").endsWith("of 10000 characters]");
        assertThat(first.path("text_truncated").asBoolean()).isTrue();
    }
}
