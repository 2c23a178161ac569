package dev.lakehouse.emulator.jobs;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.WorkspaceSettings;
import dev.lakehouse.emulator.http.Json;

/**
 * The seeded jobs of a workspace, plus what their tasks run: saved SQL queries (for sql_task) and
 * "notebooks" (for notebook_task), each of which is a SQL statement whose first value becomes the
 * notebook's exit value.
 */
final class JobCatalog {

    /** A job definition: id, creator, creation time and its JobSettings JSON. */
    record JobDefinition(long jobId, String creator, long createdTime, ObjectNode settings) {
        String name() {
            return settings.path("name").asText();
        }
    }

    static final long FIRST_JOB_ID = 700_000_000_001L;

    final Map<Long, JobDefinition> jobs = new LinkedHashMap<>();
    final Map<String, String> savedQueries = new LinkedHashMap<>();
    final Map<String, String> notebooks = new LinkedHashMap<>();

    JobCatalog(WorkspaceSettings settings, String sharedClusterId) {
        long created = System.currentTimeMillis() - 7L * 86_400_000L;
        String revenueQuery = uuid(settings.name() + "/query/revenue");
        savedQueries.put(revenueQuery, "SELECT r.r_name AS region, CAST(sum(o.o_totalprice) AS DECIMAL(18,2)) AS revenue, "
                + "count(*) AS order_count FROM samples.tpch.orders o "
                + "JOIN samples.tpch.customer c ON o.o_custkey = c.c_custkey "
                + "JOIN samples.tpch.nation n ON c.c_nationkey = n.n_nationkey "
                + "JOIN samples.tpch.region r ON n.n_regionkey = r.r_regionkey "
                + "WHERE o.o_orderdate >= CAST(:min_order_date AS DATE) GROUP BY r.r_name ORDER BY r.r_name");
        String extractQuery = uuid(settings.name() + "/query/extract");
        savedQueries.put(extractQuery, "SELECT count(*) AS staged_rows FROM main.default.employees");
        String loadQuery = uuid(settings.name() + "/query/load");
        savedQueries.put(loadQuery, "INSERT INTO main.default.employee_archive SELECT * FROM main.default.employees");
        notebooks.put("/Workspace/Shared/emulator/nation_count", "SELECT count(*) FROM samples.tpch.nation");

        ObjectNode revenue = settings("Revenue by region", "Daily revenue per TPC-H region (SQL task)", settings.userName());
        ObjectNode task = revenue.withArray("tasks").addObject();
        task.put("task_key", "revenue_by_region");
        task.putObject("sql_task").put("warehouse_id", settings.warehouseId()).putObject("query").put("query_id", revenueQuery);
        task.put("run_if", "ALL_SUCCESS");
        task.put("timeout_seconds", 0);
        revenue.withArray("parameters").addObject().put("name", "min_order_date").put("default", "1992-01-01");
        revenue.putObject("tags").put("team", "finance");
        add(FIRST_JOB_ID, settings.userName(), created, revenue);

        ObjectNode nations = settings("Nation count", "Counts TPC-H nations (notebook task)", settings.userName());
        ObjectNode nb = nations.withArray("tasks").addObject();
        nb.put("task_key", "count_nations");
        nb.putObject("notebook_task").put("notebook_path", "/Workspace/Shared/emulator/nation_count").put("source", "WORKSPACE");
        nb.put("existing_cluster_id", sharedClusterId);
        nb.put("run_if", "ALL_SUCCESS");
        add(FIRST_JOB_ID + 1, settings.userName(), created + 60_000, nations);

        ObjectNode etl = settings("Nightly ETL", "Two-step load whose second task fails (missing table)", settings.userName());
        ArrayNode tasks = etl.withArray("tasks");
        ObjectNode extract = tasks.addObject();
        extract.put("task_key", "extract");
        extract.putObject("sql_task").put("warehouse_id", settings.warehouseId()).putObject("query").put("query_id", extractQuery);
        ObjectNode load = tasks.addObject();
        load.put("task_key", "load");
        load.putArray("depends_on").addObject().put("task_key", "extract");
        load.putObject("sql_task").put("warehouse_id", settings.warehouseId()).putObject("query").put("query_id", loadQuery);
        add(FIRST_JOB_ID + 2, settings.userName(), created + 120_000, etl);
    }

    private void add(long id, String creator, long created, ObjectNode settings) {
        jobs.put(id, new JobDefinition(id, creator, created, settings));
    }

    private static ObjectNode settings(String name, String description, String user) {
        ObjectNode s = Json.obj();
        s.put("name", name);
        s.put("description", description);
        s.put("max_concurrent_runs", 10);
        s.put("timeout_seconds", 0);
        s.put("format", "MULTI_TASK");
        s.putObject("queue").put("enabled", true);
        s.putObject("email_notifications");
        s.putObject("run_as").put("user_name", user);
        s.put("edit_mode", "UI_LOCKED");
        return s;
    }

    List<ObjectNode> tasksOf(JobDefinition job) {
        java.util.ArrayList<ObjectNode> list = new java.util.ArrayList<>();
        job.settings().path("tasks").forEach(t -> list.add((ObjectNode) t));
        return list;
    }

    private static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
