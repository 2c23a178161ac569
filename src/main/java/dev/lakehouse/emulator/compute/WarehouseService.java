package dev.lakehouse.emulator.compute;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.EmulatorProperties;
import dev.lakehouse.emulator.WorkspaceSettings;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.sql.WarehouseGate;

/**
 * SQL warehouses: STOPPED -> STARTING -> RUNNING -> STOPPING -> STOPPED. start/stop flip the state
 * synchronously; a statement sent to a STOPPED warehouse starts it and waits (auto-start).
 */
public final class WarehouseService implements WarehouseGate {

    /** Warehouse states (sql.State). */
    public enum State { STARTING, RUNNING, STOPPING, STOPPED, DELETING, DELETED }

    static final class Warehouse {
        final String id;
        final String name;
        final String clusterSize;
        final int maxClusters;
        final String creator;
        State state;
        long generation;

        Warehouse(String id, String name, String clusterSize, int maxClusters, String creator, State state) {
            this.id = id;
            this.name = name;
            this.clusterSize = clusterSize;
            this.maxClusters = maxClusters;
            this.creator = creator;
            this.state = state;
        }
    }

    private final Map<String, Warehouse> warehouses = new LinkedHashMap<>();
    private final EmulatorProperties.Compute config;
    private final ScheduledExecutorService scheduler;

    public WarehouseService(WorkspaceSettings settings, EmulatorProperties.Compute config, ScheduledExecutorService scheduler) {
        this.config = config;
        this.scheduler = scheduler;
        add(new Warehouse(settings.warehouseId(), "Starter Warehouse", "Small", 1, settings.userName(), State.RUNNING));
        add(new Warehouse(WorkspaceSettings.stableHex(settings.name() + "/warehouse/1", 16), "Reporting Warehouse",
                "Medium", 2, settings.userName(), State.STOPPED));
    }

    private void add(Warehouse w) {
        warehouses.put(w.id, w);
    }

    public synchronized List<ObjectNode> list(String baseUrl) {
        return warehouses.values().stream().map(w -> toJson(w, baseUrl)).toList();
    }

    public synchronized ObjectNode get(String id, String baseUrl) {
        return toJson(require(id), baseUrl);
    }

    public synchronized State state(String id) {
        return require(id).state;
    }

    public synchronized void start(String id) {
        Warehouse w = require(id);
        if (w.state == State.RUNNING || w.state == State.STARTING) {
            return;
        }
        if (w.state != State.STOPPED) {
            throw ApiException.invalidState("Warehouse " + id + " is in unexpected state " + w.state + ".");
        }
        w.state = State.STARTING;
        long gen = ++w.generation;
        scheduler.schedule(() -> settle(w, State.STARTING, State.RUNNING, gen),
                config.getWarehouseStartTime().toMillis(), TimeUnit.MILLISECONDS);
    }

    public synchronized void stop(String id) {
        Warehouse w = require(id);
        if (w.state == State.STOPPED || w.state == State.STOPPING) {
            return;
        }
        w.state = State.STOPPING;
        long gen = ++w.generation;
        scheduler.schedule(() -> settle(w, State.STOPPING, State.STOPPED, gen),
                config.getWarehouseStopTime().toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void settle(Warehouse w, State from, State to, long gen) {
        if (w.generation == gen && w.state == from) {
            w.state = to;
        }
    }

    @Override
    public synchronized void requireExists(String warehouseId) {
        require(warehouseId);
    }

    @Override
    public void awaitRunning(String warehouseId, BooleanSupplier cancelled) throws InterruptedException {
        while (!cancelled.getAsBoolean()) {
            synchronized (this) {
                Warehouse w = require(warehouseId);
                if (w.state == State.RUNNING) {
                    return;
                }
                if (w.state == State.STOPPED) {
                    start(warehouseId);
                }
            }
            Thread.sleep(25);
        }
    }

    private Warehouse require(String id) {
        Warehouse w = id == null ? null : warehouses.get(id);
        if (w == null) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Warehouse " + id + " does not exist.");
        }
        return w;
    }

    private static ObjectNode toJson(Warehouse w, String baseUrl) {
        ObjectNode node = Json.obj();
        node.put("id", w.id);
        node.put("name", w.name);
        node.put("cluster_size", w.clusterSize);
        node.put("min_num_clusters", 1);
        node.put("max_num_clusters", w.maxClusters);
        node.put("auto_stop_mins", 10);
        node.put("creator_name", w.creator);
        node.put("enable_photon", true);
        node.put("enable_serverless_compute", true);
        node.put("warehouse_type", "PRO");
        node.put("spot_instance_policy", "COST_OPTIMIZED");
        node.putObject("channel").put("name", "CHANNEL_NAME_CURRENT");
        node.put("state", w.state.name());
        node.put("num_clusters", w.state == State.RUNNING ? 1 : 0);
        node.put("num_active_sessions", 0);
        node.putObject("tags").putArray("custom_tags");
        node.putObject("health").put("status", "HEALTHY");
        java.net.URI uri = java.net.URI.create(baseUrl);
        ObjectNode odbc = node.putObject("odbc_params");
        odbc.put("hostname", uri.getHost());
        odbc.put("path", "/sql/1.0/warehouses/" + w.id);
        odbc.put("protocol", uri.getScheme());
        odbc.put("port", uri.getPort() > 0 ? uri.getPort() : 443);
        node.put("jdbc_url", "jdbc:databricks://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 443)
                + "/default;transportMode=http;ssl=0;AuthMech=3;httpPath=/sql/1.0/warehouses/" + w.id + ";");
        return node;
    }
}
