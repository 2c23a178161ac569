package dev.lakehouse.gateway.soak;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.gateway.databricks.EmulatorAdmin;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * The soak's mixed, bounded workload against one gateway and one emulated workspace (tenant {@code demo},
 * connection {@code acme}, OAuth M2M):
 * <ul>
 * <li>agents in MCP 2025-11-25 sessions (the Java SDK client) and sessionless 2026-07-28 requests exploring the
 * catalog, running fast and slow SQL (polled with progress; some cut at their timeout and cancelled by handle), and
 * running a job then watching it to its end;</li>
 * <li>storms: bursts of parallel calls on one API family whose workspace limit was lowered, absorbed by the
 * gateway's upstream guard;</li>
 * <li>faults, one after the other: 503s, a 500, a dropped connection, latency, token endpoint outages, 429s, and
 * every access token of the service principal revoked (on top of 30-second token lifetimes, so tokens expire all
 * along).</li>
 * </ul>
 * Every call ends in the {@link SoakLedger}. Nothing runs past the duration but the calls already in flight.
 */
final class SoakWorkload {

    /** The knobs of one soak; CI uses {@link #ci(Duration)}. */
    record Settings(Duration duration, Duration faultEvery, Duration stormEvery, int stormCalls, Duration thinkTime,
            Duration faultWindow) {
        static Settings ci(Duration duration) {
            return new Settings(duration, Duration.ofSeconds(20), Duration.ofSeconds(30), 40, Duration.ofMillis(25),
                    Duration.ofSeconds(15));
        }
    }

    static final String M2M_CLIENT = "acme-m2m-client";
    /** The job the jobs agent runs: "Nation count" (notebook task, exits with 25). */
    private static final long NATION_COUNT_JOB = 700000000002L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Injected in turn; each matches few requests, so its effect is short and attributable. */
    private static final List<Map<String, Object>> FAULTS = List.of(
            Map.of("kind", "UNAVAILABLE", "family", "unity-catalog", "count", 2, "retry_after_seconds", 1),
            Map.of("kind", "INTERNAL_ERROR", "family", "sql", "count", 1),
            Map.of("kind", "DROP_CONNECTION", "family", "unity-catalog", "count", 1),
            Map.of("kind", "LATENCY", "family", "unity-catalog", "latency_ms", 1500, "duration_ms", 3000),
            Map.of("kind", "TOKEN_OUTAGE", "count", 2, "retry_after_seconds", 1),
            Map.of("kind", "RATE_LIMIT", "family", "jobs", "count", 2, "retry_after_seconds", 1));
    /** The fault step after the listed ones: revoke every token of the service principal. */
    private static final String REVOKE_TOKENS = "REVOKE_TOKENS";

    private final int port;
    private final EmulatorAdmin workspace;
    private final SoakLedger ledger;
    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong requestIds = new AtomicLong();
    private final Map<String, AtomicInteger> faultsInjected = new ConcurrentHashMap<>();
    private final AtomicInteger storms = new AtomicInteger();
    private volatile long deadlineNanos;

    SoakWorkload(int port, EmulatorAdmin workspace, SoakLedger ledger, Settings settings) {
        this.port = port;
        this.workspace = workspace;
        this.ledger = ledger;
        this.settings = settings;
    }

    /** Runs every agent and conductor until the duration is over, then waits for the calls in flight. */
    void run() throws Exception {
        deadlineNanos = System.nanoTime() + settings.duration().toNanos();
        List<Runnable> agents = List.of(this::catalogSessionAgent, this::catalogSessionAgent, this::sqlSessionAgent,
                this::jobsSessionAgent, this::sqlStatelessAgent, this::catalogStatelessAgent);
        ExecutorService agentThreads = Executors.newFixedThreadPool(agents.size());
        ScheduledExecutorService conductors = Executors.newScheduledThreadPool(2);
        ExecutorService stormThreads = Executors.newFixedThreadPool(settings.stormCalls());
        try {
            List<Future<?>> running = new ArrayList<>();
            agents.forEach(agent -> running.add(agentThreads.submit(() -> keepRunning(agent))));
            conductors.scheduleWithFixedDelay(this::nextFault, settings.faultEvery().toMillis(),
                    settings.faultEvery().toMillis(), TimeUnit.MILLISECONDS);
            conductors.scheduleWithFixedDelay(() -> storm(stormThreads), settings.stormEvery().toMillis() / 2,
                    settings.stormEvery().toMillis(), TimeUnit.MILLISECONDS);
            for (Future<?> agent : running) {
                agent.get(settings.duration().toSeconds() + 120, TimeUnit.SECONDS);
            }
        } finally {
            // no new fault or storm; a storm under way finishes its calls (each bounded by its HTTP timeout)
            conductors.shutdown();
            conductors.awaitTermination(150, TimeUnit.SECONDS);
            stormThreads.shutdown();
            agentThreads.shutdownNow();
            workspace.clearFaults();
        }
    }

    Map<String, Integer> faultsInjected() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        faultsInjected.forEach((kind, count) -> counts.put(kind, count.get()));
        return counts;
    }

    int storms() {
        return storms.get();
    }

    private boolean running() {
        return System.nanoTime() < deadlineNanos;
    }

    /** An agent that breaks (its client failed) is counted as an unexpected failure and started again. */
    private void keepRunning(Runnable agent) {
        while (running()) {
            try {
                agent.run();
            } catch (RuntimeException e) {
                ledger.failed("(agent)", System.nanoTime(), e.toString());
            }
        }
    }

    private void think() {
        try {
            Thread.sleep(settings.thinkTime().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- agents ----

    private void catalogSessionAgent() {
        try (McpSyncClient client = McpTestClients.plain(port, null)) {
            while (running()) {
                sessionCall(client, "list_catalogs", Map.of(), null);
                sessionCall(client, "list_schemas", Map.of("catalog", "samples"), null);
                sessionCall(client, "list_tables", Map.of("catalog", "samples", "schema", "tpch"), null);
                sessionCall(client, "describe_table", Map.of("full_name", "samples.tpch.orders"), null);
                think();
            }
        }
    }

    /** Fast queries, and every fourth a slow one polled with progress notifications. */
    private void sqlSessionAgent() {
        List<McpSchema.ProgressNotification> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (McpSyncClient client = McpTestClients.plain(port, progress)) {
            for (int round = 0; running(); round++) {
                if (round % 4 == 3) {
                    // a timeout under the submit wait (5 s): submitted without waiting, then polled
                    sessionCall(client, "execute_sql", Map.of("statement", "SELECT sleep(3) AS slept",
                            "timeout_seconds", 4), "soak-" + round);
                    progress.clear();   // only the count of calls matters here, not the notifications kept
                } else {
                    sessionCall(client, "execute_sql", Map.of("statement",
                            "SELECT n_name, n_regionkey FROM samples.tpch.nation ORDER BY n_name"), null);
                }
                think();
            }
        }
    }

    private void jobsSessionAgent() {
        try (McpSyncClient client = McpTestClients.plain(port, null)) {
            while (running()) {
                JsonNode started = answer(sessionCall(client, "run_job", Map.of("job_id", NATION_COUNT_JOB), null));
                long runId = started.path("run_id").asLong();
                for (int poll = 0; runId != 0 && poll < 60 && running(); poll++) {
                    JsonNode run = answer(sessionCall(client, "get_job_run", Map.of("run_id", runId), null));
                    if (run.isMissingNode() || run.path("done").asBoolean()) {
                        break;
                    }
                    sleep(Duration.ofMillis(500));
                }
                sessionCall(client, "list_job_runs", Map.of("job_id", NATION_COUNT_JOB), null);
                think();
            }
        }
    }

    /** Sessionless: fast queries, and every tenth a slow one cut at its timeout, then cancelled by its handle. */
    private void sqlStatelessAgent() {
        for (int round = 0; running(); round++) {
            if (round % 10 == 9) {
                JsonNode cut = statelessCall("execute_sql", Map.of("statement", "SELECT sleep(5) AS slept",
                        "timeout_seconds", 1));
                String handle = cut == null ? "" : cut.path("structuredContent").path("statement_id").asText();
                if (!handle.isEmpty()) {
                    statelessCall("cancel_statement", Map.of("statement_id", handle));
                }
            } else {
                statelessCall("execute_sql", Map.of("statement",
                        "SELECT r_name, count(*) AS nations FROM samples.tpch.region JOIN samples.tpch.nation "
                                + "ON n_regionkey = r_regionkey GROUP BY r_name ORDER BY r_name"));
            }
            think();
        }
    }

    private void catalogStatelessAgent() {
        while (running()) {
            statelessCall("gateway_info", Map.of());
            statelessCall("list_schemas", Map.of("catalog", "main"));
            statelessCall("list_sql_warehouses", Map.of());
            think();
        }
    }

    // ---- conductors ----

    /** A burst of parallel calls on the clusters family, whose workspace limit the test lowered. */
    private void storm(ExecutorService threads) {
        if (!running()) {
            return;
        }
        storms.incrementAndGet();
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < settings.stormCalls(); i++) {
            calls.add(threads.submit(() -> statelessCall("list_clusters", Map.of())));
        }
        for (Future<?> call : calls) {
            try {
                call.get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                return;   // interrupted at the end of the soak; the ledger has what finished
            }
        }
    }

    private void nextFault() {
        if (!running()) {
            return;
        }
        int step = faultsInjected.values().stream().mapToInt(AtomicInteger::get).sum() % (FAULTS.size() + 1);
        try {
            workspace.clearFaults();
            ledger.faultInjected(settings.faultWindow().toMillis());
            String kind;
            if (step < FAULTS.size()) {
                Map<String, Object> fault = FAULTS.get(step);
                workspace.addFault(fault);
                kind = fault.get("kind").toString();
            } else {
                workspace.revokeClient(M2M_CLIENT);
                kind = REVOKE_TOKENS;
            }
            faultsInjected.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        } catch (RuntimeException e) {
            ledger.failed("(fault injection)", System.nanoTime(), e.toString());
        }
    }

    // ---- calls ----

    private McpSchema.CallToolResult sessionCall(McpSyncClient client, String tool, Map<String, Object> arguments,
            String progressToken) {
        long started = System.nanoTime();
        try {
            McpSchema.CallToolRequest.Builder request = McpSchema.CallToolRequest.builder(tool).arguments(arguments);
            if (progressToken != null) {
                request.progressToken(progressToken);
            }
            McpSchema.CallToolResult result = client.callTool(request.build());
            ledger.answered(tool, started, Boolean.TRUE.equals(result.isError()) ? McpTestClients.text(result) : null);
            return result;
        } catch (RuntimeException e) {
            ledger.failed(tool, started, e.toString());
            return null;
        }
    }

    /** A 2026-07-28 call; the JSON-RPC result, or null when there was none. */
    private JsonNode statelessCall(String tool, Map<String, Object> arguments) {
        long started = System.nanoTime();
        try {
            Map<String, Object> params = Map.of("name", tool, "arguments", arguments, "_meta", Map.of(
                    "io.modelcontextprotocol/protocolVersion", "2026-07-28",
                    "io.modelcontextprotocol/clientCapabilities", Map.of()));
            String body = JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", requestIds.incrementAndGet(),
                    "method", "tools/call", "params", params));
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp"))
                    .timeout(Duration.ofSeconds(90))
                    .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                    .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call")
                    .header("Mcp-Name", tool).POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode reply = response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
            if (reply == null || !reply.has("result")) {
                ledger.failed(tool, started, "HTTP " + response.statusCode() + " " + abbreviate(response.body()));
                return null;
            }
            JsonNode result = reply.get("result");
            ledger.answered(tool, started, result.path("isError").asBoolean()
                    ? result.path("content").path(0).path("text").asText() : null);
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ledger.failed(tool, started, "interrupted");
            return null;
        } catch (Exception e) {
            ledger.failed(tool, started, e.toString());
            return null;
        }
    }

    /** A tool's JSON answer (its text), or a missing node when the call failed or answered isError. */
    private static JsonNode answer(McpSchema.CallToolResult result) {
        if (result == null || Boolean.TRUE.equals(result.isError())) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(McpTestClients.text(result));
        } catch (java.io.IOException e) {
            return JSON.missingNode();
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
