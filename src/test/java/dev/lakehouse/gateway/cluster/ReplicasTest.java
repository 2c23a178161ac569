package dev.lakehouse.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
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

import dev.lakehouse.gateway.support.LocalProcesses;
import dev.lakehouse.gateway.support.Ports;
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
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ReplicasTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATABASE = "gateway_replicas_test";
    private static final int SESSIONS = Integer.getInteger("replicas.sessions", 500);
    private static final int CALLS_PER_SESSION = 5;
    private static final int STATELESS_SEQUENCES = Integer.getInteger("replicas.stateless", 500);
    private static final int CLIENT_THREADS = 16;
    private static final Path LOGS = Path.of("target", "replicas-test");
    /** The clusters family's limit (calls/s) the storm test holds three replicas to, together. */
    private static final int CLUSTERS_LIMIT = 10;
    private static final int STORM_CALLS_PER_REPLICA = 30;

    private LocalProcesses processes;
    private final int[] replicaPorts = new int[3];
    private int balancer;
    private int acme;

    @BeforeAll
    void startTopology() throws Exception {
        processes = new LocalProcesses(LOGS);
        LocalProcesses.recreatePostgresDatabase(DATABASE);
        acme = Ports.free();
        int globex = Ports.free();
        List<String> emulator = LocalProcesses.javaOnTestClasspath("-Xmx256m", "-Demulator.admin.enabled=true",
                "-Demulator.workspaces.acme.port=" + acme, "-Demulator.workspaces.globex.port=" + globex,
                "-Demulator.data.tpch-scale-factor=0.001", "-Demulator.data.nyctaxi-trips=100");
        for (String family : List.of("sql", "unity-catalog", "jobs", "clusters", "warehouses", "token", "scim", "other")) {
            emulator.add("-Demulator.rate-limits.limits." + family + "=0");
        }
        emulator.add("dev.lakehouse.emulator.EmulatorMain");
        processes.start(emulator, "emulator");

        String sessionKey = randomKey();
        String stateKey = randomKey();
        String vaultKey = randomKey();
        for (int i = 0; i < 3; i++) {
            replicaPorts[i] = Ports.free();
            List<String> replica = LocalProcesses.javaOnTestClasspath("-Xmx320m", "-XX:+UseSerialGC");
            replica.addAll(List.of("dev.lakehouse.gateway.GatewayApplication",
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
                    // the storm's family: one limit for the three replicas together
                    "--gateway.ratelimit.families.clusters.rate=" + CLUSTERS_LIMIT,
                    "--logging.level.root=WARN"));
            processes.start(replica, "replica-" + (i + 1));
        }
        for (int port : replicaPorts) {
            processes.awaitHealthy(port);
        }
        balancer = Ports.free();
        ProcessBuilder haproxy = new ProcessBuilder("haproxy", "-db", "-f", "deploy/haproxy.cfg");
        haproxy.environment().put("LB_BIND", "127.0.0.1:" + balancer);
        for (int i = 0; i < 3; i++) {
            haproxy.environment().put("REPLICA_" + (i + 1), "127.0.0.1:" + replicaPorts[i]);
        }
        processes.start(haproxy, "haproxy");
        processes.awaitHealthy(balancer);
    }

    @AfterAll
    void stopTopology() throws InterruptedException {
        if (processes != null) {
            processes.close();
        }
    }

    /** What one load phase did: calls, failures, seconds, and the Redis commands it caused by kind. */
    record Phase(String name, int calls, int notFound, int failed, double seconds, long sessionCommands,
            long bucketCommands) {
        double callsPerSecond() {
            return calls / seconds;
        }

        String report() {
            return String.format("%s: %d calls in %.1f s (%.0f calls/s), Redis per call: %.3f session liveness + %.2f "
                    + "rate-limit buckets; session not found %d, failed %d", name, calls, seconds, callsPerSecond(),
                    (double) sessionCommands / calls, (double) bucketCommands / calls, notFound, failed);
        }
    }

    /** Session liveness and messages (the rest, GET/EVAL/PSETEX..., are Bucket4j's compare-and-swap of buckets). */
    private static final List<String> SESSION_COMMANDS = List.of("set", "exists", "expire", "del", "publish");

    @Test
    void sessionsAndStatelessSequencesThroughRoundRobinNeverMissTheirSession() throws Exception {
        String viaBalancer = "http://127.0.0.1:" + balancer + "/mcp";
        // the same load on one replica alone first: the baseline for throughput and for Redis commands per call
        Phase one = sessions("1 replica (direct)", "http://127.0.0.1:" + replicaPorts[0] + "/mcp", SESSIONS / 4);
        Phase three = sessions("3 replicas (HAProxy)", viaBalancer, SESSIONS);
        Phase stateless = stateless(viaBalancer, STATELESS_SEQUENCES);
        System.out.println("replicas:\n  " + one.report() + "\n  " + three.report() + "\n  " + stateless.report());

        for (Phase phase : List.of(one, three, stateless)) {
            assertThat(phase.notFound()).as(phase.name() + ": session not found").isZero();
            assertThat(phase.failed()).as(phase.name() + ": failed calls; first replies: " + failureSamples).isZero();
        }
        // liveness: one SET per session, one EXISTS the first time each other replica takes it up; never per call
        assertThat(three.sessionCommands()).as("session commands at 3 replicas").isLessThanOrEqualTo(3L * SESSIONS + 50);
        assertThat(stateless.sessionCommands()).as("2026-07-28 calls need no session state").isLessThanOrEqualTo(20);
        // buckets: the same per call whatever the number of replicas (within noise of batching)
        double bucketsOne = (double) one.bucketCommands() / one.calls();
        double bucketsThree = (double) three.bucketCommands() / three.calls();
        assertThat(bucketsThree).as("bucket commands per call, 3 replicas vs 1").isLessThanOrEqualTo(bucketsOne * 1.5 + 1);
    }

    private Phase sessions(String name, String mcp, int sessions) throws Exception {
        Map<String, Long> before = redisCommands();
        AtomicInteger notFound = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
        List<Future<?>> work = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            final int agent = s;
            work.add(clients.submit(() -> {
                Reply init = post(mcp, null, Map.of(), initialize(agent));
                String session = init.header("Mcp-Session-Id");
                calls.incrementAndGet();
                if (init.status() != 200 || session == null) {
                    failed.incrementAndGet();
                    keepSample(init);
                    return null;
                }
                for (int c = 0; c < CALLS_PER_SESSION; c++) {
                    Reply reply = post(mcp, session, Map.of(), toolCall(c + 2, "list_catalogs", Map.of()));
                    calls.incrementAndGet();
                    if (reply.status() == 404) {
                        notFound.incrementAndGet();
                    } else if (reply.status() != 200 || !reply.body().contains("\"catalogs")) {
                        failed.incrementAndGet();
                        keepSample(reply);
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : work) {
            future.get(10, TimeUnit.MINUTES);
        }
        clients.shutdown();
        return phase(name, calls.get(), notFound.get(), failed.get(), started, before);
    }

    private Phase stateless(String mcp, int sequences) throws Exception {
        Map<String, Long> before = redisCommands();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
        List<Future<?>> work = new ArrayList<>();
        for (int s = 0; s < sequences; s++) {
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
                        keepSample(reply);
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : work) {
            future.get(10, TimeUnit.MINUTES);
        }
        clients.shutdown();
        return phase("3 replicas, 2026-07-28 sequences", calls.get(), 0, failed.get(), started, before);
    }

    /** The first few failed replies, so a failure says what the client saw. */
    private final java.util.Queue<String> failureSamples = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private void keepSample(Reply reply) {
        if (failureSamples.size() < 5) {
            String body = reply.body();
            failureSamples.add(reply.status() + " " + (body.length() > 400 ? body.substring(0, 400) + "…" : body));
        }
    }

    private static Phase phase(String name, int calls, int notFound, int failed, long started, Map<String, Long> before) {
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> delta = delta(before, redisCommands());
        long session = delta.entrySet().stream().filter(e -> SESSION_COMMANDS.contains(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
        long buckets = delta.entrySet().stream().filter(e -> !SESSION_COMMANDS.contains(e.getKey()) && !e.getKey().equals("hello"))
                .mapToLong(Map.Entry::getValue).sum();
        return new Phase(name, calls, notFound, failed, seconds, session, buckets);
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
            String question = readEvent(stream, "elicitation/create").data();
            String serverRequestId = JSON.readTree(question).path("id").asText();
            assertThat(serverRequestId).as("the id names the replica that asked").startsWith("srv-replica-1-");
            // the human's yes goes to replica 2
            Reply answered = post(two, session, Map.of(), JSON.writeValueAsString(Map.of("jsonrpc", "2.0",
                    "id", serverRequestId, "result", Map.of("action", "accept", "content", Map.of("confirm", true)))));
            assertThat(answered.status()).isEqualTo(202);
            String result = readEvent(stream, "\"id\":7").data();
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

    /**
     * Three replicas storm one workspace's clusters family at once, 30 calls each straight at a replica: the shared
     * bucket (Redis) lets the three together pass at the one limit, so the calls take three times as long as on one
     * replica instead of each replica passing the limit on its own.
     */
    @Test
    void threeReplicasStormingOneFamilyAdmitTheLimitOnceNotThreeTimes() throws Exception {
        String admin = "http://127.0.0.1:" + acme + "/emulator/admin/requests";
        // one call per replica first: a cold replica's first call takes long enough on this machine to bunch the
        // arrivals after it, which would make the pace the workspace sees look faster than the release pace
        for (int port : replicaPorts) {
            assertThat(listClustersStateless(port).body()).contains("\"clusters");
        }
        Thread.sleep(1000);
        HttpURLConnection clear = (HttpURLConnection) URI.create(admin).toURL().openConnection();
        clear.setRequestMethod("DELETE");
        assertThat(clear.getResponseCode()).isEqualTo(200);
        ExecutorService storm = Executors.newFixedThreadPool(3 * STORM_CALLS_PER_REPLICA);
        List<Future<Reply>> calls = new ArrayList<>();
        long started = System.nanoTime();
        for (int port : replicaPorts) {
            for (int i = 0; i < STORM_CALLS_PER_REPLICA; i++) {
                calls.add(storm.submit(() -> listClustersStateless(port)));
            }
        }
        int ok = 0;
        for (Future<Reply> call : calls) {
            Reply reply = call.get(2, TimeUnit.MINUTES);
            if (reply.status() == 200 && reply.body().contains("\"clusters")) {
                ok++;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        storm.shutdown();
        HttpURLConnection counts = (HttpURLConnection) URI.create(admin).toURL().openConnection();
        JsonNode received = JSON.readTree(counts.getInputStream()).path("by_route");
        long upstream = 0;
        for (java.util.Iterator<Map.Entry<String, JsonNode>> it = received.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> route = it.next();
            if (route.getKey().contains("/clusters/list")) {
                upstream += route.getValue().asLong();
            }
        }
        // the pace the workspace saw, from its first clusters call to its last: the first goes at once (burst 1), the
        // other n-1 follow at the shared pace (the client's own time includes the replicas' start of the storm)
        JsonNode clustersFamily = JSON.readTree(URI.create(admin).toURL().openStream()).path("families").path("clusters");
        double upstreamSeconds = (clustersFamily.path("last_received_ms").asLong()
                - clustersFamily.path("first_received_ms").asLong()) / 1000.0;
        double rate = (upstream - 1) / upstreamSeconds;
        System.out.printf("replicas storm: %d calls over 3 replicas, %d answered in %.1f s, %d reached the workspace over "
                + "%.1f s: %.2f calls/s against a shared limit of %d/s%n", calls.size(), ok, seconds, upstream,
                upstreamSeconds, rate, CLUSTERS_LIMIT);
        assertThat(ok).as("every call absorbed and answered").isEqualTo(calls.size());
        assertThat(upstream).isEqualTo(calls.size());
        // never above the one limit (+5 %); the limiters release within 5 % of it (SharedUpstreamPaceTest), and what
        // the workspace sees adds the HTTP path's jitter on this 2-core machine (9.8/s typical, 9.1 seen under load)
        assertThat(rate).as("admitted rate of three replicas together").isBetween(CLUSTERS_LIMIT * 0.85, CLUSTERS_LIMIT * 1.05);
    }

    /** One 2026-07-28 (sessionless) {@code list_clusters} call straight at a replica. */
    private static Reply listClustersStateless(int port) {
        return post("http://127.0.0.1:" + port + "/mcp", null, Map.of("MCP-Protocol-Version", "2026-07-28",
                "Mcp-Method", "tools/call", "Mcp-Name", "list_clusters"), message(1, "tools/call", Map.of("name",
                "list_clusters", "arguments", Map.of(), "_meta", Map.of("io.modelcontextprotocol/protocolVersion",
                "2026-07-28", "io.modelcontextprotocol/clientCapabilities", Map.of()))));
    }

    /** A statement submitted on replica 1 is resumed on replica 2: statement handles live in the shared database. */
    @Test
    void aStatementStartedOnOneReplicaIsFetchedOnAnother() throws Exception {
        String one = "http://127.0.0.1:" + replicaPorts[0] + "/mcp";
        String two = "http://127.0.0.1:" + replicaPorts[1] + "/mcp";
        String session = post(one, null, Map.of(), initialize(3)).header("Mcp-Session-Id");
        Reply started = post(one, session, Map.of(), toolCall(4, "execute_sql",
                Map.of("statement", "SELECT sleep(7) AS waited", "timeout_seconds", 1)));
        Matcher handle = Pattern.compile("statement_id=\\\\\"([0-9a-f-]{20,})").matcher(started.body());
        assertThat(handle.find()).as(started.body()).isTrue();
        Reply fetched = post(two, session, Map.of(), toolCall(5, "get_statement_result",
                Map.of("statement_id", handle.group(1), "timeout_seconds", 30)));
        assertThat(fetched.body()).contains("SUCCEEDED").contains("7.0").doesNotContain("isError\":true");
        // another tenant's connection would be told it is unknown: here, a made-up handle on replica 3
        Reply unknown = post("http://127.0.0.1:" + replicaPorts[2] + "/mcp", session, Map.of(), toolCall(6,
                "get_statement_result", Map.of("statement_id", "01ef0000-0000-0000-0000-000000000000")));
        assertThat(unknown.body()).contains("isError\":true");
    }

    /** A 2026-07-28 requestState is good for one retry on all replicas together, not once per replica. */
    @Test
    void aRequestStateUsedOnOneReplicaIsUsedOnAll() throws Exception {
        Map<String, Object> meta = Map.of("io.modelcontextprotocol/protocolVersion", "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities", Map.of("elicitation", Map.of()));
        Map<String, String> headers = Map.of("MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call",
                "Mcp-Name", "run_job");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", "run_job");
        params.put("arguments", Map.of("job_id", 700000000002L));
        params.put("_meta", meta);
        Reply asked = post("http://127.0.0.1:" + replicaPorts[0] + "/mcp", null, headers, message(1, "tools/call", params));
        String state = JSON.readTree(asked.body()).path("result").path("requestState").asText();
        assertThat(state).as(asked.body()).isNotBlank();
        params.put("requestState", state);
        params.put("inputResponses", Map.of("input-1", Map.of("action", "decline")));
        Reply answered = post("http://127.0.0.1:" + replicaPorts[1] + "/mcp", null, headers, message(2, "tools/call", params));
        assertThat(answered.body()).contains("did not allow run_job");
        Reply replayed = post("http://127.0.0.1:" + replicaPorts[2] + "/mcp", null, headers, message(3, "tools/call", params));
        assertThat(replayed.body()).contains("-32602").contains("used already");
    }

    /** notifications/cancelled sent to replica 2 stops the statement replica 1 is polling for (broadcast, once). */
    @Test
    void aCancellationThroughAnotherReplicaStopsTheCall() throws Exception {
        String one = "http://127.0.0.1:" + replicaPorts[0] + "/mcp";
        String two = "http://127.0.0.1:" + replicaPorts[1] + "/mcp";
        String session = post(one, null, Map.of(), initialize(2)).header("Mcp-Session-Id");
        assertThat(session).isNotNull();
        HttpURLConnection running = slowStatement(one, session, 9, 30);
        try (InputStream stream = running.getInputStream()) {
            readEvent(stream, "notifications/progress");
            long started = System.nanoTime();
            Reply cancelled = post(two, session, Map.of(), JSON.writeValueAsString(Map.of("jsonrpc", "2.0",
                    "method", "notifications/cancelled", "params", Map.of("requestId", 9, "reason", "the user gave up"))));
            assertThat(cancelled.status()).isEqualTo(202);
            // the stream ends without an answer to request 9 (a cancelled request gets none), long before 30 s
            String rest = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).doesNotContain("\"id\":9");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        }
    }

    /**
     * A client's POST answer (a 6 s statement with progress) is cut after its first progress event; the client
     * resumes with GET and Last-Event-ID on replica 2, which asks replica 1 (named in the stream id) for the rest:
     * the later progress events and the result arrive under replica 1's event ids, after the cursor, nothing before.
     */
    @Test
    void aStreamCutOnOneReplicaIsResumedOnAnother() throws Exception {
        String one = "http://127.0.0.1:" + replicaPorts[0] + "/mcp";
        String two = "http://127.0.0.1:" + replicaPorts[1] + "/mcp";
        String session = post(one, null, Map.of(), initialize(4)).header("Mcp-Session-Id");
        assertThat(session).isNotNull();
        HttpURLConnection running = slowStatement(one, session, 11, 6);
        String lastEventId;
        try (InputStream stream = running.getInputStream()) {
            lastEventId = readEvent(stream, "notifications/progress").id();
        }
        running.disconnect();
        assertThat(lastEventId).startsWith("replica-1~");
        long cursor = Long.parseLong(lastEventId.substring(lastEventId.lastIndexOf('.') + 1));

        HttpURLConnection resumed = open(two, session, Map.of("Last-Event-ID", lastEventId,
                "Accept", "text/event-stream"));
        resumed.setRequestMethod("GET");
        assertThat(resumed.getResponseCode()).isEqualTo(200);
        String rest;
        try (InputStream stream = resumed.getInputStream()) {
            rest = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        }
        String streamId = lastEventId.substring(0, lastEventId.lastIndexOf('.'));
        Matcher ids = Pattern.compile("(?m)^id: (\\S+)$").matcher(rest);
        List<Long> seqs = new ArrayList<>();
        while (ids.find()) {
            assertThat(ids.group(1)).startsWith(streamId + ".");
            seqs.add(Long.parseLong(ids.group(1).substring(streamId.length() + 1)));
        }
        assertThat(seqs).isNotEmpty().isSorted().allMatch(seq -> seq > cursor);
        assertThat(rest).contains("\"id\":11").contains("\"result\"").doesNotContain("\"isError\":true");
    }

    /**
     * Last: replica 3 is killed (SIGKILL) while sessions run through HAProxy. Calls it had in flight fail (the client
     * sees the connection end or a 502); every other call goes on on replicas 1 and 2, sessions begun on replica 3
     * included, with no "session not found".
     */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void aReplicaKilledMidRunTakesOnlyItsInFlightCallsWithIt() throws Exception {
        String mcp = "http://127.0.0.1:" + balancer + "/mcp";
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sessions.add(post(mcp, null, Map.of(), initialize(100 + i)).header("Mcp-Session-Id"));
        }
        assertThat(sessions).doesNotContainNull();
        AtomicInteger notFound = new AtomicInteger();
        AtomicInteger failedDuringKill = new AtomicInteger();
        AtomicInteger failedAfter = new AtomicInteger();
        AtomicInteger okAfter = new AtomicInteger();
        Map<String, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger ids = new AtomicInteger(1000);
        long killAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long settledAt = killAt + TimeUnit.SECONDS.toNanos(8);
        long end = settledAt + TimeUnit.SECONDS.toNanos(5);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            final int thread = t;
            work.add(clients.submit(() -> {
                int n = 0;
                while (System.nanoTime() < end) {
                    String session = sessions.get((thread + 8 * n++) % sessions.size());
                    // ids unique per session: two threads may use one session at once
                    Reply reply = post(mcp, session, Map.of(), toolCall(ids.incrementAndGet(), "list_catalogs", Map.of()));
                    boolean settled = System.nanoTime() > settledAt;
                    if (reply.status() == 404) {
                        notFound.incrementAndGet();
                    } else if (reply.status() != 200 || !reply.body().contains("\"catalogs")) {
                        (settled ? failedAfter : failedDuringKill).incrementAndGet();
                        failures.merge(reply.status() + " " + reply.body().substring(0, Math.min(80, reply.body().length())),
                                1, Integer::sum);
                    } else if (settled) {
                        okAfter.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        while (System.nanoTime() < killAt) {
            Thread.sleep(50);
        }
        Process third = processes.get(3);   // emulator, replica-1, replica-2, replica-3, haproxy
        third.destroyForcibly();
        assertThat(third.waitFor(10, TimeUnit.SECONDS)).isTrue();
        for (Future<?> future : work) {
            future.get(2, TimeUnit.MINUTES);
        }
        clients.shutdown();
        System.out.printf("replica killed: %d calls failed around the kill, %d failed and %d succeeded after it settled; "
                + "session not found %d; failures by status and body: %s%n", failedDuringKill.get(), failedAfter.get(),
                okAfter.get(), notFound.get(), failures);
        assertThat(notFound.get()).as("session not found").isZero();
        // in flight on the killed replica, or sent on one of HAProxy's idle connections to it before it noticed (a
        // request that reached a replica is never replayed): a handful, at most two per client thread
        assertThat(failedDuringKill.get()).as("only calls that had reached the killed replica").isLessThanOrEqualTo(16);
        assertThat(failedAfter.get()).as("failures once HAProxy took the replica out").isZero();
        assertThat(okAfter.get()).isPositive();
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

    /** One SSE event as read: its id (null when it had none) and its data. */
    private record SseEvent(String id, String data) {
    }

    /** Reads SSE events until one whose data contains {@code marker}; returns it. */
    private static SseEvent readEvent(InputStream stream, String marker) throws IOException {
        StringBuilder line = new StringBuilder();
        String id = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int c;
        while (System.nanoTime() < deadline && (c = stream.read()) != -1) {
            if (c == '\n') {
                String text = line.toString();
                line.setLength(0);
                if (text.startsWith("id:")) {
                    id = text.substring(3).trim();
                } else if (text.startsWith("data:") && text.contains(marker)) {
                    return new SseEvent(id, text.substring(5).trim());
                }
            } else {
                line.append((char) c);
            }
        }
        throw new AssertionError("no SSE event containing " + marker);
    }

    /** Request {@code id} in {@code session} on {@code url}: a statement of {@code seconds} with progress, as SSE. */
    private static HttpURLConnection slowStatement(String url, String session, int id, int seconds) throws IOException {
        HttpURLConnection running = open(url, session, Map.of());
        write(running, message(id, "tools/call", Map.of("name", "execute_sql", "arguments",
                Map.of("statement", "SELECT sleep(" + seconds + ") AS s"), "_meta", Map.of("progressToken", "p" + id))));
        assertThat(running.getResponseCode()).isEqualTo(200);
        return running;
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

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
