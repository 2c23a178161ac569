package dev.lakehouse.emulator.compute;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.EmulatorProperties;
import dev.lakehouse.emulator.WorkspaceSettings;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.Json;

/**
 * Clusters and their state machine. Operations flip the state synchronously (TERMINATED ->
 * PENDING, RUNNING -> RESTARTING...) before answering, as the SDK waiters require, and a
 * scheduled transition completes the move after the configured delay.
 */
public final class ClusterService {

    /** The states of compute.State; the display form is used in INVALID_STATE messages. */
    public enum State {
        PENDING, RUNNING, RESTARTING, RESIZING, TERMINATING, TERMINATED, ERROR, UNKNOWN;

        String display() {
            return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
        }
    }

    /** Mutable cluster record; guarded by the service's monitor. */
    static final class Cluster {
        final String id;
        String name;
        String sparkVersion = "15.4.x-scala2.12";
        String nodeTypeId = "i3.xlarge";
        Integer numWorkers;
        Integer minWorkers;
        Integer maxWorkers;
        int autoterminationMinutes = 60;
        String creator;
        String source = "UI";
        String dataSecurityMode = "USER_ISOLATION";
        ObjectNode customTags = Json.obj();
        ObjectNode sparkConf = Json.obj();
        State state;
        String stateMessage = "";
        long startTime;
        long terminatedTime;
        long lastRestartedTime;
        String terminationCode;
        long generation;

        Cluster(String id) {
            this.id = id;
        }
    }

    private final Map<String, Cluster> clusters = new LinkedHashMap<>();
    private final EmulatorProperties.Compute config;
    private final ScheduledExecutorService scheduler;

    public ClusterService(WorkspaceSettings settings, EmulatorProperties.Compute config, ScheduledExecutorService scheduler) {
        this.config = config;
        this.scheduler = scheduler;
        long now = System.currentTimeMillis();
        Cluster shared = new Cluster("0101-120000-" + WorkspaceSettings.stableHex(settings.name() + "/cluster/0", 8));
        shared.name = settings.name() + "-shared-cluster";
        shared.numWorkers = 2;
        shared.creator = settings.userName();
        shared.state = State.RUNNING;
        shared.startTime = now - 3_600_000;
        clusters.put(shared.id, shared);
        Cluster etl = new Cluster("0101-120000-" + WorkspaceSettings.stableHex(settings.name() + "/cluster/1", 8));
        etl.name = settings.name() + "-etl-cluster";
        etl.minWorkers = 1;
        etl.maxWorkers = 4;
        etl.creator = settings.userName();
        etl.state = State.TERMINATED;
        etl.startTime = now - 86_400_000;
        etl.terminatedTime = now - 82_800_000;
        etl.terminationCode = "INACTIVITY";
        etl.stateMessage = "Inactive cluster terminated (inactive for 60 minutes).";
        clusters.put(etl.id, etl);
    }

    public synchronized List<ObjectNode> list(List<String> states, String sortField, String sortDirection) {
        List<Cluster> selected = new ArrayList<>();
        for (Cluster c : clusters.values()) {
            if (states.isEmpty() || states.contains(c.state.name())) {
                selected.add(c);
            }
        }
        if ("CLUSTER_NAME".equals(sortField)) {
            selected.sort((a, b) -> a.name.compareToIgnoreCase(b.name));
            if ("DESC".equals(sortDirection)) {
                java.util.Collections.reverse(selected);
            }
        }
        return selected.stream().map(this::toJson).toList();
    }

    public synchronized ObjectNode get(String id) {
        return toJson(require(id));
    }

    public synchronized void start(String id) {
        Cluster c = require(id);
        if (c.state != State.TERMINATED && c.state != State.ERROR) {
            throw unexpectedState(c);
        }
        c.state = State.PENDING;
        c.stateMessage = "Starting Spark";
        c.terminationCode = null;
        c.startTime = System.currentTimeMillis();
        completeLater(c, State.PENDING, config.getClusterStartTime());
    }

    public synchronized void terminate(String id) {
        Cluster c = require(id);
        if (c.state == State.TERMINATING || c.state == State.TERMINATED) {
            return;
        }
        c.state = State.TERMINATING;
        c.stateMessage = "Terminating Spark cluster";
        c.terminationCode = "USER_REQUEST";
        long gen = ++c.generation;
        scheduler.schedule(() -> terminated(c, gen), config.getClusterTerminateTime().toMillis(), TimeUnit.MILLISECONDS);
    }

    public synchronized void restart(String id) {
        Cluster c = require(id);
        if (c.state != State.RUNNING) {
            throw unexpectedState(c);
        }
        c.state = State.RESTARTING;
        c.stateMessage = "Restarting Spark";
        c.lastRestartedTime = System.currentTimeMillis();
        completeLater(c, State.RESTARTING, config.getClusterRestartTime());
    }

    public synchronized void resize(String id, Integer numWorkers, Integer minWorkers, Integer maxWorkers) {
        Cluster c = require(id);
        if (numWorkers == null && (minWorkers == null || maxWorkers == null)) {
            throw ApiException.invalidParameter("Either num_workers or autoscale must be provided");
        }
        if (c.state != State.RUNNING) {
            throw unexpectedState(c);
        }
        applyWorkers(c, numWorkers, minWorkers, maxWorkers);
        c.state = State.RESIZING;
        c.stateMessage = "Resizing cluster";
        completeLater(c, State.RESIZING, config.getClusterResizeTime());
    }

    /** Replaces the spec; a RUNNING cluster restarts, a TERMINATED one stays terminated. */
    public synchronized void edit(String id, JsonNode spec) {
        Cluster c = require(id);
        String sparkVersion = text(spec, "spark_version");
        if (sparkVersion == null) {
            throw ApiException.invalidParameter("Missing required field: spark_version");
        }
        if (c.state != State.RUNNING && c.state != State.TERMINATED) {
            throw unexpectedState(c);
        }
        c.sparkVersion = sparkVersion;
        if (text(spec, "cluster_name") != null) {
            c.name = text(spec, "cluster_name");
        }
        if (text(spec, "node_type_id") != null) {
            c.nodeTypeId = text(spec, "node_type_id");
        }
        if (spec.hasNonNull("autotermination_minutes")) {
            c.autoterminationMinutes = spec.get("autotermination_minutes").asInt();
        }
        if (spec.hasNonNull("custom_tags") && spec.get("custom_tags").isObject()) {
            c.customTags = (ObjectNode) spec.get("custom_tags").deepCopy();
        }
        if (spec.hasNonNull("spark_conf") && spec.get("spark_conf").isObject()) {
            c.sparkConf = (ObjectNode) spec.get("spark_conf").deepCopy();
        }
        if (text(spec, "data_security_mode") != null) {
            c.dataSecurityMode = text(spec, "data_security_mode");
        }
        JsonNode autoscale = spec.get("autoscale");
        applyWorkers(c, spec.hasNonNull("num_workers") ? spec.get("num_workers").asInt() : null,
                autoscale != null && autoscale.hasNonNull("min_workers") ? autoscale.get("min_workers").asInt() : null,
                autoscale != null && autoscale.hasNonNull("max_workers") ? autoscale.get("max_workers").asInt() : null);
        if (c.state == State.RUNNING) {
            c.state = State.RESTARTING;
            c.stateMessage = "Restarting Spark with the new configuration";
            c.lastRestartedTime = System.currentTimeMillis();
            completeLater(c, State.RESTARTING, config.getClusterRestartTime());
        }
    }

    public synchronized void permanentDelete(String id) {
        require(id);
        clusters.remove(id);
    }

    private static void applyWorkers(Cluster c, Integer numWorkers, Integer minWorkers, Integer maxWorkers) {
        if (numWorkers != null) {
            if (numWorkers < 0) {
                throw ApiException.invalidParameter("num_workers must be >= 0");
            }
            c.numWorkers = numWorkers;
            c.minWorkers = null;
            c.maxWorkers = null;
        } else if (minWorkers != null && maxWorkers != null) {
            if (minWorkers < 0 || maxWorkers < minWorkers) {
                throw ApiException.invalidParameter("autoscale needs 0 <= min_workers <= max_workers");
            }
            c.numWorkers = null;
            c.minWorkers = minWorkers;
            c.maxWorkers = maxWorkers;
        }
    }

    private void completeLater(Cluster c, State from, Duration delay) {
        long gen = ++c.generation;
        scheduler.schedule(() -> running(c, from, gen), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void running(Cluster c, State from, long gen) {
        if (c.generation == gen && c.state == from) {
            c.state = State.RUNNING;
            c.stateMessage = "";
        }
    }

    private synchronized void terminated(Cluster c, long gen) {
        if (c.generation == gen && c.state == State.TERMINATING) {
            c.state = State.TERMINATED;
            c.stateMessage = "Terminated by user";
            c.terminatedTime = System.currentTimeMillis();
        }
    }

    private Cluster require(String id) {
        Cluster c = id == null ? null : clusters.get(id);
        if (c == null) {
            throw ApiException.invalidParameter("Cluster " + id + " does not exist");
        }
        return c;
    }

    private static ApiException unexpectedState(Cluster c) {
        return ApiException.invalidState("Cluster " + c.id + " is in unexpected state " + c.state.display() + ".");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private ObjectNode toJson(Cluster c) {
        ObjectNode node = Json.obj();
        node.put("cluster_id", c.id);
        node.put("cluster_name", c.name);
        node.put("spark_version", c.sparkVersion);
        node.put("node_type_id", c.nodeTypeId);
        node.put("driver_node_type_id", c.nodeTypeId);
        if (c.numWorkers != null) {
            node.put("num_workers", c.numWorkers);
        } else {
            node.putObject("autoscale").put("min_workers", c.minWorkers).put("max_workers", c.maxWorkers);
        }
        node.put("autotermination_minutes", c.autoterminationMinutes);
        node.put("state", c.state.name());
        node.put("state_message", c.stateMessage);
        node.put("creator_user_name", c.creator);
        node.put("cluster_source", c.source);
        node.put("data_security_mode", c.dataSecurityMode);
        node.put("runtime_engine", "STANDARD");
        node.put("enable_elastic_disk", true);
        node.set("custom_tags", c.customTags);
        node.set("spark_conf", c.sparkConf);
        node.putObject("default_tags").put("Vendor", "Databricks").put("Creator", c.creator)
                .put("ClusterName", c.name).put("ClusterId", c.id);
        node.put("start_time", c.startTime);
        if (c.state == State.TERMINATED && c.terminatedTime > 0) {
            node.put("terminated_time", c.terminatedTime);
        }
        if (c.lastRestartedTime > 0) {
            node.put("last_restarted_time", c.lastRestartedTime);
        }
        if (c.terminationCode != null && (c.state == State.TERMINATED || c.state == State.TERMINATING)) {
            ObjectNode reason = node.putObject("termination_reason");
            reason.put("code", c.terminationCode);
            reason.put("type", "SUCCESS");
            if ("USER_REQUEST".equals(c.terminationCode)) {
                reason.putObject("parameters").put("username", c.creator);
            } else {
                reason.putObject("parameters").put("inactivity_duration_min", String.valueOf(c.autoterminationMinutes));
            }
        }
        if (c.state == State.RUNNING || c.state == State.RESIZING || c.state == State.RESTARTING) {
            node.put("spark_context_id", Math.abs((long) c.id.hashCode()) * 1000 + c.generation);
            node.put("jdbc_port", 10000);
            node.put("cluster_memory_mb", 31232L * (1 + workers(c)));
            node.put("cluster_cores", 4.0 * (1 + workers(c)));
        }
        return node;
    }

    private static int workers(Cluster c) {
        return c.numWorkers != null ? c.numWorkers : c.minWorkers;
    }
}
