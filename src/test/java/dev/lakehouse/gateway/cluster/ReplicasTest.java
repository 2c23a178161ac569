package dev.lakehouse.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Three gateway processes behind HAProxy round robin (deploy/haproxy.cfg, no stickiness), sharing the machine's
 * PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379), with a standalone workspace emulator; every request on a
 * new connection. Sessions of 2025-11-25 and 2026-07-28 call sequences must never meet "session not found"; a
 * human's answer reaches the replica that asked through another one; a DELETE ends a session everywhere; Redis
 * round trips per call are counted. HAProxy comes from Debian's package (.ci/run installs it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicasTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATABASE = "gateway_replicas_test";
    private static final int SESSIONS = Integer.getInteger("replicas.sessions", 500);
    private static final int CALLS_PER_SESSION = 5;
    private static final int STATELESS_SEQUENCES = Integer.getInteger("replicas.stateless", 500);
    private static final int CLIENT_THREADS = 16;
    private static final Path LOGS = Path.of("target", "replicas-test");

    private final List<Process> processes = new ArrayList<>();
    private final int[] replicaPorts = new int[3];
    private int balancer;

    @BeforeAll
    void startTopology() throws Exception {
        Files.createDirectories(LOGS);
        recreateDatabase();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        int acme = freePort();
        int globex = freePort();
        List<String> emulator = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", classpath,
                "-Demulator.workspaces.acme.port=" + acme, "-Demulator.workspaces.globex.port=" + globex,
                "-Demulator.data.tpch-scale-factor=0.001", "-Demulator.data.nyctaxi-trips=100"));
        for (String family : List.of("sql", "unity-catalog", "jobs", "clusters", "warehouses", "token", "scim", "other")) {
            emulator.add("-Demulator.rate-limits.limits." + family + "=0");
        }
        emulator.add("dev.lakehouse.emulator.EmulatorMain");
        start(emulator, "emulator");

        String sessionKey = randomKey();
        String stateKey = randomKey();
        String vaultKey = randomKey();
        for (int i = 0; i < 3; i++) {
            replicaPorts[i] = freePort();
            start(List.of(java, "-Xmx320m", "-XX:+UseSerialGC", "-cp", classpath, "dev.lakehouse.gateway.GatewayApplication",
                    "--server.port=" + replicaPorts[i], "--emulator.embedded=false",
                    "--gateway.tenants.demo.connections.acme.host=http://127.0.0.1:" + acme,
                    "--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/" + DATABASE,
                    "--spring.datasource.username=postgres", "--spring.datasource.password=",
                    "--gateway.cluster.redis-url=redis://127.0.0.1:6379", "--gateway.cluster.replica-id=replica-" + (i + 1),
                    "--gateway.mcp.session-key=" + sessionKey, "--gateway.mcp.request-state-key=" + stateKey,
                    "--gateway.vault.master-keys.replicas=" + vaultKey, "--gateway.vault.active-key=replicas",
                    // the load here is the test's own: quotas would only measure themselves
                    "--gateway.quota.agent.rate=100000", "--gateway.quota.agent.burst=100000",
                    "--gateway.quota.tenant.rate=100000", "--gateway.quota.tenant.burst=100000",
                    "--gateway.ratelimit.families.unity-catalog.rate=100000",
                    "--logging.level.root=WARN"), "replica-" + (i + 1));
        }
        for (int port : replicaPorts) {
            awaitHealthy(port);
        }
        balancer = freePort();
        ProcessBuilder haproxy = new ProcessBuilder("haproxy", "-db", "-f", "deploy/haproxy.cfg");
        haproxy.environment().put("LB_BIND", "127.0.0.1:" + balancer);
        for (int i = 0; i < 3; i++) {
            haproxy.environment().put("REPLICA_" + (i + 1), "127.0.0.1:" + replicaPorts[i]);
        }
        startProcess(haproxy, "haproxy");
        awaitHealthy(balancer);
    }

    @AfterAll
    void stopTopology() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void sessionsAndStatelessSequencesThroughRoundRobinNeverMissTheirSession() throws Exception {
        String mcp = "http://127.0.0.1:" + balancer + "/mcp";
        Map<String, Long> before = redisCommands();
        AtomicInteger notFound = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
        List<Future<?>> work = new ArrayList<>();
        for (int s = 0; s < SESSIONS; s++) {
            final int agent = s;
            work.add(clients.submit(() -> {
                Reply init = post(mcp, null, Map.of(), initialize(agent));
                String session = init.header("Mcp-Session-Id");
                if (init.status() != 200 || session == null) {
                    failed.incrementAndGet();
                    return null;
                }
                for (int c = 0; c < CALLS_PER_SESSION; c++) {
                    Reply reply = post(mcp, session, Map.of(), toolCall(c + 2, "list_catalogs", Map.of()));
                    calls.incrementAndGet();
                    if (reply.status() == 404) {
                        notFound.incrementAndGet();
                    } else if (reply.status() != 200 || !reply.body().contains("\"catalogs")) {
                        failed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : work) {
            future.get(10, TimeUnit.MINUTES);
        }
        double sessionSeconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> afterSessions = redisCommands();
        int sessionCalls = calls.get();

        work.clear();
        long statelessStarted = System.nanoTime();
        for (int s = 0; s < STATELESS_SEQUENCES; s++) {
            work.add(clients.submit(() -> {
                for (String[] step : List.of(new String[] {"tools/list", null}, new String[] {"tools/call", "list_catalogs"})) {
                    Map<String, String> headers = new LinkedHashMap<>();
                    headers.put("MCP-Protocol-Version", "2026-07-28");
                    headers.put("Mcp-Method", step[0]);
                    Map<String, Object> params = new LinkedHashMap<>();
                    if (step[1] != null) {
                        headers.put("Mcp-Name", step[1]);
                        params.put("name", step[1]);
                        params.put("arguments", Map.of());
                    }
                    params.put("_meta", Map.of("io.modelcontextprotocol/protocolVersion", "2026-07-28",
                            "io.modelcontextprotocol/clientCapabilities", Map.of()));
                    Reply reply = post(mcp, null, headers, message(1, step[0], params));
                    calls.incrementAndGet();
                    if (reply.status() != 200 || !reply.body().contains("\"resultType\":\"complete\"")) {
                        failed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : work) {
            future.get(10, TimeUnit.MINUTES);
        }
        double statelessSeconds = (System.nanoTime() - statelessStarted) / 1e9;
        clients.shutdown();
        Map<String, Long> afterAll = redisCommands();

        long sessionRoundTrips = total(afterSessions) - total(before);
        long statelessRoundTrips = total(afterAll) - total(afterSessions);
        System.out.printf("replicas: %d sessions x %d calls in %.1f s (%.0f calls/s), %d stateless sequences x 2 in %.1f s "
                        + "(%.0f calls/s); Redis commands: %s during sessions (%.3f per call incl. initialize), %d during "
                        + "stateless; session not found %d, failed %d%n",
                SESSIONS, CALLS_PER_SESSION, sessionSeconds, sessionCalls / sessionSeconds, STATELESS_SEQUENCES,
                statelessSeconds, 2 * STATELESS_SEQUENCES / statelessSeconds, delta(before, afterSessions),
                (double) sessionRoundTrips / sessionCalls, statelessRoundTrips, notFound.get(), failed.get());
        assertThat(notFound.get()).as("session not found").isZero();
        assertThat(failed.get()).as("failed calls").isZero();
        // per session: one SET at initialize, at most one EXISTS per replica that takes it up; never one per call
        assertThat(sessionRoundTrips).as("Redis commands while sessions ran").isLessThanOrEqualTo(4L * SESSIONS + 50);
        assertThat(statelessRoundTrips).as("2026-07-28 calls need no shared state").isLessThanOrEqualTo(50);
    }

    @Test
    void aHumansAnswerThroughAnotherReplicaReachesTheCallThatAsked() throws Exception {
        String one = "http://127.0.0.1:" + replicaPorts[0] + "/mcp";
        String two = "http://127.0.0.1:" + replicaPorts[1] + "/mcp";
        Map<String, Object> init = new LinkedHashMap<>(JSON.convertValue(JSON.readTree(initialize(1)), Map.class));
        @SuppressWarnings("unchecked")
        Map<String, Object> params = (Map<String, Object>) init.get("params");
        params.put("capabilities", Map.of("elicitation", Map.of()));
        Reply opened = post(one, null, Map.of(), JSON.writeValueAsString(init));
        String session = opened.header("Mcp-Session-Id");
        assertThat(session).isNotNull();

        // run_job is in confirm mode in the default run: the question comes on replica 1's SSE answer
        HttpURLConnection asking = open(one, session, Map.of());
        write(asking, toolCall(7, "run_job", Map.of("job_id", 700000000001L)));
        assertThat(asking.getResponseCode()).isEqualTo(200);
        try (InputStream stream = asking.getInputStream()) {
            String question = readEvent(stream, "elicitation/create");
            String serverRequestId = JSON.readTree(question).path("id").asText();
            assertThat(serverRequestId).as("the id names the replica that asked").startsWith("srv-replica-1-");
            // the human's yes goes to replica 2
            Reply answered = post(two, session, Map.of(), JSON.writeValueAsString(Map.of("jsonrpc", "2.0",
                    "id", serverRequestId, "result", Map.of("action", "accept", "content", Map.of("confirm", true)))));
            assertThat(answered.status()).isEqualTo(202);
            String result = readEvent(stream, "\"id\":7");
            assertThat(result).contains("run_id").doesNotContain("isError\":true");
        }

        // ended through replica 3: no replica serves it any more
        String three = "http://127.0.0.1:" + replicaPorts[2] + "/mcp";
        HttpURLConnection delete = open(three, session, Map.of());
        delete.setRequestMethod("DELETE");
        assertThat(delete.getResponseCode()).isEqualTo(200);
        for (int port : replicaPorts) {
            Reply after = post("http://127.0.0.1:" + port + "/mcp", session, Map.of(), toolCall(8, "gateway_info", Map.of()));
            assertThat(after.status()).as("replica on " + port).isEqualTo(404);
        }
    }

    // ---- HTTP, one new connection per request ----

    record Reply(int status, String body, Map<String, List<String>> headers) {
        String header(String name) {
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (name.equalsIgnoreCase(entry.getKey())) {
                    return entry.getValue().get(0);
                }
            }
            return null;
        }
    }

    private static HttpURLConnection open(String url, String session, Map<String, String> headers) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(60000);
        connection.setRequestProperty("Connection", "close");
        connection.setRequestProperty("Content-Type", "application/json");
        connection.setRequestProperty("Accept", "application/json, text/event-stream");
        if (session != null) {
            connection.setRequestProperty("Mcp-Session-Id", session);
            connection.setRequestProperty("MCP-Protocol-Version", "2025-11-25");
        }
        headers.forEach(connection::setRequestProperty);
        return connection;
    }

    private static void write(HttpURLConnection connection, String body) throws IOException {
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Reply post(String url, String session, Map<String, String> headers, String body) {
        try {
            HttpURLConnection connection = open(url, session, headers);
            write(connection, body);
            int status = connection.getResponseCode();
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            connection.disconnect();
            return new Reply(status, text, connection.getHeaderFields());
        } catch (IOException e) {
            return new Reply(-1, e.toString(), Map.of());
        }
    }

    /** Reads SSE data lines until one contains {@code marker}; returns it. */
    private static String readEvent(InputStream stream, String marker) throws IOException {
        StringBuilder line = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int c;
        while (System.nanoTime() < deadline && (c = stream.read()) != -1) {
            if (c == '\n') {
                String text = line.toString();
                line.setLength(0);
                if (text.startsWith("data:") && text.contains(marker)) {
                    return text.substring(5).trim();
                }
            } else {
                line.append((char) c);
            }
        }
        throw new AssertionError("no SSE event containing " + marker);
    }

    private static String initialize(int agent) {
        return message(1, "initialize", Map.of("protocolVersion", "2025-11-25", "capabilities", Map.of(),
                "clientInfo", Map.of("name", "replicas-test-" + agent, "version", "1")));
    }

    private static String toolCall(int id, String tool, Map<String, Object> arguments) {
        return message(id, "tools/call", Map.of("name", tool, "arguments", arguments));
    }

    private static String message(int id, String method, Map<String, Object> params) {
        try {
            return JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", id, "method", method, "params", params));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- Redis round trips ----

    private static Map<String, Long> redisCommands() {
        RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            Map<String, Long> counts = new LinkedHashMap<>();
            Matcher m = Pattern.compile("cmdstat_(\\w+):calls=(\\d+)").matcher(connection.sync().info("commandstats"));
            while (m.find()) {
                counts.put(m.group(1), Long.parseLong(m.group(2)));
            }
            return counts;
        } finally {
            client.shutdown();
        }
    }

    /** Commands the gateways send (this test's own INFO calls left out). */
    private static long total(Map<String, Long> counts) {
        return counts.entrySet().stream().filter(e -> !e.getKey().equals("info")).mapToLong(Map.Entry::getValue).sum();
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> delta = new LinkedHashMap<>();
        after.forEach((command, count) -> {
            long d = count - before.getOrDefault(command, 0L);
            if (d > 0 && !command.equals("info")) {
                delta.put(command, d);
            }
        });
        return delta;
    }

    // ---- processes ----

    private static void recreateDatabase() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "")) {
            try (ResultSet exists = connection.createStatement().executeQuery(
                    "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (exists.next()) {
                    connection.createStatement().execute("DROP DATABASE " + DATABASE + " WITH (FORCE)");
                }
            }
            connection.createStatement().execute("CREATE DATABASE " + DATABASE);
        }
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private void start(List<String> command, String name) throws IOException {
        startProcess(new ProcessBuilder(command), name);
    }

    private void startProcess(ProcessBuilder builder, String name) throws IOException {
        builder.redirectErrorStream(true).redirectOutput(LOGS.resolve(name + ".log").toFile());
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        processes.add(builder.start());
    }

    private void awaitHealthy(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            for (Process process : processes) {
                assertThat(process.isAlive()).as("a process of the topology died; see " + LOGS).isTrue();
            }
            try {
                HttpURLConnection health = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/actuator/health")
                        .toURL().openConnection();
                health.setConnectTimeout(2000);
                health.setReadTimeout(5000);
                if (health.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("port " + port + " did not become healthy within 180 s; see " + LOGS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
