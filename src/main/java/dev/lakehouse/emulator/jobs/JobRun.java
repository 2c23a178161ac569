package dev.lakehouse.emulator.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.sql.StatementRecord;

/** One job run and its task runs; mutated only under the JobsService monitor. */
final class JobRun {

    /** A task run of a job run. */
    static final class TaskRun {
        final long runId;
        final ObjectNode spec;
        String lifeCycle = "PENDING";
        String resultState;
        String stateMessage = "";
        long startTime;
        long endTime;
        ObjectNode sqlOutput;
        ObjectNode notebookOutput;
        String error;
        StatementRecord statement;

        TaskRun(long runId, ObjectNode spec) {
            this.runId = runId;
            this.spec = spec;
        }

        String taskKey() {
            return spec.path("task_key").asText();
        }

        boolean terminal() {
            return JobRun.isTerminal(lifeCycle);
        }
    }

    final long runId;
    final JobCatalog.JobDefinition job;
    final Map<String, String> jobParameters = new LinkedHashMap<>();
    final Map<String, String> overridingParameters;
    final List<TaskRun> tasks = new ArrayList<>();
    final long startTime = System.currentTimeMillis();
    String lifeCycle = "PENDING";
    String resultState;
    String stateMessage = "Waiting for cluster";
    String terminationCode;
    String terminationType;
    boolean userCancelled;
    long runningSince;
    long terminatingSince;
    long endTime;
    Future<?> future;

    JobRun(long runId, JobCatalog.JobDefinition job, Map<String, String> overriding) {
        this.runId = runId;
        this.job = job;
        this.overridingParameters = overriding;
    }

    boolean terminal() {
        return isTerminal(lifeCycle);
    }

    static boolean isTerminal(String lifeCycle) {
        return "TERMINATED".equals(lifeCycle) || "SKIPPED".equals(lifeCycle) || "INTERNAL_ERROR".equals(lifeCycle);
    }
}
