package dev.lakehouse.emulator.jobs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.EmulatorProperties;
import dev.lakehouse.emulator.WorkspaceSettings;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.sql.StatementRecord;
import dev.lakehouse.emulator.sql.StatementService;
import dev.lakehouse.emulator.sql.StatementSpec;

/**
 * Jobs and runs. A run moves PENDING -> RUNNING -> TERMINATING -> TERMINATED over the configured
 * times; its tasks really execute their SQL through the statement service, in order, skipping the
 * rest after a failure. Both the v1 {@code state} and the v2 {@code status} blocks are kept.
 */
public final class JobsService implements AutoCloseable {

    private final WorkspaceSettings settings;
    private final EmulatorProperties.Jobs config;
    private final StatementService statements;
    private final ScheduledExecutorService scheduler;
    private final JobCatalog catalog;
    private final ExecutorService workers;
    private final Map<Long, JobRun> runs = new LinkedHashMap<>();
    private final Map<Long, JobRun.TaskRun> taskRuns = new HashMap<>();
    private final Map<Long, JobRun> runOfTask = new HashMap<>();
    private final Map<String, Long> idempotency = new HashMap<>();
    private final AtomicLong ids = new AtomicLong(800_000_000_000L);

    public JobsService(WorkspaceSettings settings, EmulatorProperties.Jobs config, StatementService statements,
                       ScheduledExecutorService scheduler, String sharedClusterId) {
        this.settings = settings;
        this.config = config;
        this.statements = statements;
        this.scheduler = scheduler;
        this.catalog = new JobCatalog(settings, sharedClusterId);
        AtomicInteger counter = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(Math.max(1, config.getMaxConcurrentRuns()), r -> {
            Thread t = new Thread(r, "emu-" + settings.name() + "-jobs-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    // ---- jobs ----------------------------------------------------------------------------------

    public synchronized List<ObjectNode> listJobs(String name, boolean expandTasks) {
        List<ObjectNode> list = new ArrayList<>();
        for (JobCatalog.JobDefinition job : catalog.jobs.values()) {
            if (name != null && !name.equalsIgnoreCase(job.name())) {
                continue;
            }
            ObjectNode node = baseJob(job);
            ObjectNode jobSettings = job.settings().deepCopy();
            if (!expandTasks) {
                jobSettings.remove("tasks");
                jobSettings.remove("job_clusters");
            }
            node.set("settings", jobSettings);
            list.add(node);
        }
        return list;
    }

    public synchronized ObjectNode getJob(long jobId) {
        JobCatalog.JobDefinition job = requireJob(jobId);
        ObjectNode node = baseJob(job);
        node.put("run_as_user_name", job.creator());
        node.set("settings", job.settings().deepCopy());
        return node;
    }

    private ObjectNode baseJob(JobCatalog.JobDefinition job) {
        ObjectNode node = Json.obj();
        node.put("job_id", job.jobId());
        node.put("creator_user_name", job.creator());
        node.put("created_time", job.createdTime());
        return node;
    }

    private JobCatalog.JobDefinition requireJob(long jobId) {
        JobCatalog.JobDefinition job = catalog.jobs.get(jobId);
        if (job == null) {
            throw ApiException.invalidParameter("Job " + jobId + " does not exist.");
        }
        return job;
    }

    // ---- run-now -------------------------------------------------------------------------------

    public synchronized JobRun runNow(long jobId, Map<String, String> parameters, String idempotencyToken) {
        JobCatalog.JobDefinition job = requireJob(jobId);
        if (idempotencyToken != null) {
            if (idempotencyToken.length() > 64) {
                throw ApiException.invalidParameter("idempotency_token must be at most 64 characters");
            }
            Long existing = idempotency.get(idempotencyToken);
            if (existing != null) {
                return runs.get(existing);
            }
        }
        Map<String, String> defaults = new LinkedHashMap<>();
        job.settings().path("parameters").forEach(p -> defaults.put(p.path("name").asText(), p.path("default").asText()));
        List<String> unknown = parameters.keySet().stream().filter(k -> !defaults.containsKey(k)).toList();
        if (!unknown.isEmpty()) {
            throw ApiException.invalidParameter("Job parameters " + unknown + " are not defined in job " + jobId);
        }
        JobRun run = new JobRun(ids.incrementAndGet(), job, parameters.isEmpty() ? null : new LinkedHashMap<>(parameters));
        run.jobParameters.putAll(defaults);
        run.jobParameters.putAll(parameters);
        for (ObjectNode task : catalog.tasksOf(job)) {
            JobRun.TaskRun taskRun = new JobRun.TaskRun(ids.incrementAndGet(), task);
            run.tasks.add(taskRun);
            taskRuns.put(taskRun.runId, taskRun);
            runOfTask.put(taskRun.runId, run);
        }
        runs.put(run.runId, run);
        if (idempotencyToken != null) {
            idempotency.put(idempotencyToken, run.runId);
        }
        run.future = workers.submit(() -> execute(run));
        return run;
    }

    private void execute(JobRun run) {
        try {
            Thread.sleep(config.getPendingTime().toMillis());
            synchronized (this) {
                if (run.terminal() || run.userCancelled) {
                    return;
                }
                run.lifeCycle = "RUNNING";
                run.stateMessage = "In run";
                run.runningSince = System.currentTimeMillis();
            }
            String failure = null;
            for (JobRun.TaskRun task : run.tasks) {
                if (failure != null) {
                    synchronized (this) {
                        task.lifeCycle = "SKIPPED";
                        task.resultState = "UPSTREAM_FAILED";
                        task.stateMessage = "Upstream task failed.";
                    }
                    continue;
                }
                String error = runTask(run, task);
                if (error != null) {
                    failure = "Task " + task.taskKey() + " failed with message: " + error;
                }
            }
            long remaining = config.getMinRunTime().toMillis() - (System.currentTimeMillis() - run.runningSince);
            if (remaining > 0) {
                Thread.sleep(remaining);
            }
            synchronized (this) {
                if (run.userCancelled) {
                    return;
                }
                run.lifeCycle = "TERMINATING";
                run.terminatingSince = System.currentTimeMillis();
            }
            Thread.sleep(config.getTerminatingTime().toMillis());
            synchronized (this) {
                if (run.userCancelled) {
                    return;
                }
                run.endTime = System.currentTimeMillis();
                if (failure == null) {
                    run.lifeCycle = "TERMINATED";
                    run.resultState = "SUCCESS";
                    run.stateMessage = "";
                    run.terminationCode = "SUCCESS";
                    run.terminationType = "SUCCESS";
                } else {
                    // the way the Jobs API reports a failed task of a multi-task run
                    run.lifeCycle = "INTERNAL_ERROR";
                    run.resultState = "FAILED";
                    run.stateMessage = failure;
                    run.terminationCode = "RUN_EXECUTION_ERROR";
                    run.terminationType = "CLIENT_ERROR";
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs one task; returns null on success or the error message. */
    private String runTask(JobRun run, JobRun.TaskRun task) throws InterruptedException {
        String sql;
        String warehouseId;
        JsonNode spec = task.spec;
        synchronized (this) {
            if (run.userCancelled) {
                return "cancelled";
            }
            task.lifeCycle = "RUNNING";
            task.startTime = System.currentTimeMillis();
            if (spec.has("sql_task")) {
                sql = catalog.savedQueries.get(spec.path("sql_task").path("query").path("query_id").asText());
                warehouseId = spec.path("sql_task").path("warehouse_id").asText(settings.warehouseId());
            } else if (spec.has("notebook_task")) {
                sql = catalog.notebooks.get(spec.path("notebook_task").path("notebook_path").asText());
                warehouseId = settings.warehouseId();
            } else {
                sql = null;
                warehouseId = null;
            }
        }
        String error;
        StatementRecord statement = null;
        if (sql == null) {
            error = "The workspace emulator cannot run this task type";
        } else {
            List<StatementSpec.Parameter> parameters = new ArrayList<>();
            run.jobParameters.forEach((k, v) -> parameters.add(new StatementSpec.Parameter(k, v, "STRING")));
            try {
                statement = statements.submit(new StatementSpec(sql, warehouseId, null, null, parameters, null, null));
                synchronized (this) {
                    task.statement = statement;
                }
                while (!statement.await(100)) {
                    if (run.userCancelled) {
                        statements.cancel(statement);
                    }
                }
                error = switch (statement.state()) {
                    case SUCCEEDED, CLOSED -> null;
                    case CANCELED -> "Statement was cancelled";
                    default -> statement.error() == null ? "Statement failed" : statement.error().message();
                };
            } catch (ApiException e) {
                error = e.getMessage();
            }
        }
        synchronized (this) {
            if (run.userCancelled) {
                return "cancelled";
            }
            task.endTime = System.currentTimeMillis();
            task.lifeCycle = "TERMINATED";
            task.resultState = error == null ? "SUCCESS" : "FAILED";
            task.stateMessage = error == null ? "" : error;
            task.error = error;
            if (error == null && spec.has("sql_task")) {
                task.sqlOutput = sqlOutput(sql, warehouseId, statement);
            } else if (error == null && spec.has("notebook_task")) {
                task.notebookOutput = notebookOutput(statement);
            }
        }
        return error;
    }

    private ObjectNode sqlOutput(String sql, String warehouseId, StatementRecord statement) {
        ObjectNode output = Json.obj();
        ObjectNode query = output.putObject("query_output");
        query.put("query_text", sql);
        query.put("warehouse_id", warehouseId);
        query.put("endpoint_id", warehouseId);
        query.put("output_link", "/sql/history?queryId=" + statement.id());
        query.putArray("sql_statements").addObject().put("lookup_key", statement.id());
        return output;
    }

    /** The notebook's exit value: the first value of the first row of its statement. */
    private static ObjectNode notebookOutput(StatementRecord statement) {
        ObjectNode output = Json.obj();
        var result = statement.result();
        String value = result == null || result.rows().isEmpty() ? "" : result.rows().get(0)[0];
        output.put("result", value);
        output.put("truncated", false);
        return output;
    }

    // ---- cancel / read -------------------------------------------------------------------------

    public synchronized void cancel(long runId) {
        JobRun run = runs.get(runId);
        if (run == null) {
            throw ApiException.invalidParameter("Run " + runId + " does not exist.");
        }
        if (run.terminal() || run.userCancelled) {
            return;
        }
        run.userCancelled = true;
        run.lifeCycle = "TERMINATING";
        run.stateMessage = "Cancelling run";
        for (JobRun.TaskRun task : run.tasks) {
            if (task.statement != null) {
                statements.cancel(task.statement);
            }
        }
        run.future.cancel(true);
        scheduler.schedule(() -> finishCancel(run), config.getTerminatingTime().toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void finishCancel(JobRun run) {
        run.endTime = System.currentTimeMillis();
        run.lifeCycle = "TERMINATED";
        run.resultState = "CANCELED";
        run.stateMessage = "Run cancelled.";
        run.terminationCode = "USER_CANCELED";
        run.terminationType = "SUCCESS";
        for (JobRun.TaskRun task : run.tasks) {
            if (!task.terminal()) {
                task.lifeCycle = "TERMINATED";
                task.resultState = "CANCELED";
                task.stateMessage = "Run cancelled.";
                task.endTime = run.endTime;
            }
        }
    }

    /** runs/get: a job run, or a task run when given a task run id. */
    public synchronized ObjectNode getRun(long runId) {
        JobRun run = runs.get(runId);
        if (run != null) {
            return runJson(run, true);
        }
        JobRun.TaskRun task = taskRuns.get(runId);
        if (task != null) {
            return taskRunAsRun(runOfTask.get(runId), task);
        }
        throw ApiException.invalidParameter("Run " + runId + " does not exist.");
    }

    public synchronized List<ObjectNode> listRuns(Long jobId, boolean activeOnly, boolean completedOnly, boolean expandTasks,
                                                  Long startFrom, Long startTo) {
        List<JobRun> selected = new ArrayList<>();
        for (JobRun run : runs.values()) {
            if ((jobId == null || run.job.jobId() == jobId) && (!activeOnly || !run.terminal())
                    && (!completedOnly || run.terminal())
                    && (startFrom == null || run.startTime >= startFrom) && (startTo == null || run.startTime <= startTo)) {
                selected.add(run);
            }
        }
        selected.sort(Comparator.comparingLong((JobRun r) -> r.startTime).thenComparingLong(r -> r.runId).reversed());
        return selected.stream().map(r -> runJson(r, expandTasks)).toList();
    }

    public synchronized ObjectNode getRunOutput(long runId) {
        if (runs.containsKey(runId)) {
            throw ApiException.invalidParameter("Retrieving the output of runs with multiple tasks is not supported. "
                    + "Please retrieve the output of each individual task run instead.");
        }
        JobRun.TaskRun task = taskRuns.get(runId);
        if (task == null) {
            throw ApiException.invalidParameter("Run " + runId + " does not exist.");
        }
        ObjectNode output = Json.obj();
        output.set("metadata", taskRunAsRun(runOfTask.get(runId), task));
        if (task.sqlOutput != null) {
            output.set("sql_output", task.sqlOutput);
        }
        if (task.notebookOutput != null) {
            output.set("notebook_output", task.notebookOutput);
        }
        if (task.error != null) {
            output.put("error", task.error);
            output.put("error_trace", "");
        }
        return output;
    }

    // ---- JSON ----------------------------------------------------------------------------------

    private ObjectNode runJson(JobRun run, boolean withTasks) {
        ObjectNode node = Json.obj();
        node.put("job_id", run.job.jobId());
        node.put("run_id", run.runId);
        node.put("number_in_job", run.runId);
        node.put("original_attempt_run_id", run.runId);
        node.put("attempt_number", 0);
        node.put("creator_user_name", run.job.creator());
        node.put("run_name", run.job.name());
        node.put("run_type", "JOB_RUN");
        node.put("trigger", "ONE_TIME");
        node.put("format", "MULTI_TASK");
        node.put("run_page_url", "/?o=" + settings.workspaceId() + "#job/" + run.job.jobId() + "/run/" + run.runId);
        node.set("state", stateJson(run.lifeCycle, run.resultState, run.stateMessage, run.userCancelled));
        node.set("status", statusJson(run.lifeCycle, run.terminationCode, run.terminationType, run.stateMessage));
        timing(node, run.startTime, run.runningSince, run.terminatingSince, run.endTime);
        if (!run.jobParameters.isEmpty()) {
            ArrayNode params = node.putArray("job_parameters");
            run.job.settings().path("parameters").forEach(p -> {
                String name = p.path("name").asText();
                params.addObject().put("name", name).put("default", p.path("default").asText())
                        .put("value", run.jobParameters.get(name));
            });
        }
        if (run.overridingParameters != null) {
            ObjectNode overriding = node.putObject("overriding_parameters").putObject("job_parameters");
            run.overridingParameters.forEach(overriding::put);
        }
        if (withTasks) {
            ArrayNode tasks = node.putArray("tasks");
            run.tasks.forEach(t -> tasks.add(taskJson(run, t)));
        }
        node.put("queue_duration", 0);
        return node;
    }

    private ObjectNode taskJson(JobRun run, JobRun.TaskRun task) {
        ObjectNode node = task.spec.deepCopy();
        node.put("run_id", task.runId);
        node.put("attempt_number", 0);
        node.put("run_page_url", "/?o=" + settings.workspaceId() + "#job/" + run.job.jobId() + "/run/" + task.runId);
        node.set("state", stateJson(task.lifeCycle, task.resultState, task.stateMessage, run.userCancelled));
        String code = task.resultState == null ? null : switch (task.resultState) {
            case "SUCCESS" -> "SUCCESS";
            case "CANCELED" -> "USER_CANCELED";
            case "UPSTREAM_FAILED" -> "SKIPPED";
            default -> "RUN_EXECUTION_ERROR";
        };
        String type = code == null ? null : code.equals("RUN_EXECUTION_ERROR") ? "CLIENT_ERROR" : "SUCCESS";
        node.set("status", statusJson(task.lifeCycle, code, type, task.stateMessage));
        node.put("start_time", task.startTime);
        node.put("end_time", task.endTime);
        node.put("setup_duration", 0);
        node.put("execution_duration", task.endTime > 0 && task.startTime > 0 ? task.endTime - task.startTime : 0);
        node.put("cleanup_duration", 0);
        return node;
    }

    private ObjectNode taskRunAsRun(JobRun run, JobRun.TaskRun task) {
        ObjectNode node = taskJson(run, task);
        node.put("job_id", run.job.jobId());
        node.put("number_in_job", task.runId);
        node.put("run_name", task.taskKey());
        node.put("run_type", "JOB_RUN");
        node.put("creator_user_name", run.job.creator());
        node.put("job_run_id", run.runId);
        node.put("run_duration", task.endTime > 0 ? task.endTime - task.startTime : 0);
        return node;
    }

    private static void timing(ObjectNode node, long start, long running, long terminating, long end) {
        node.put("start_time", start);
        node.put("end_time", end);
        long setup = running > 0 ? running - start : 0;
        long execution = running > 0 ? (terminating > 0 ? terminating : (end > 0 ? end : System.currentTimeMillis())) - running : 0;
        long cleanup = terminating > 0 && end > 0 ? end - terminating : 0;
        node.put("setup_duration", setup);
        node.put("execution_duration", Math.max(0, execution));
        node.put("cleanup_duration", cleanup);
        node.put("run_duration", end > 0 ? end - start : 0);
    }

    private static ObjectNode stateJson(String lifeCycle, String result, String message, boolean userCancelled) {
        ObjectNode state = Json.obj();
        state.put("life_cycle_state", lifeCycle);
        Json.putOpt(state, "result_state", result);
        state.put("state_message", message == null ? "" : message);
        state.put("user_cancelled_or_timedout", userCancelled);
        return state;
    }

    private static ObjectNode statusJson(String lifeCycle, String code, String type, String message) {
        ObjectNode status = Json.obj();
        String v2 = switch (lifeCycle) {
            case "TERMINATED", "SKIPPED", "INTERNAL_ERROR" -> "TERMINATED";
            case "WAITING_FOR_RETRY" -> "WAITING";
            default -> lifeCycle;
        };
        status.put("state", v2);
        if (v2.equals("TERMINATED") && code != null) {
            status.putObject("termination_details").put("code", code).put("type", type)
                    .put("message", message == null ? "" : message);
        }
        return status;
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
