package dev.lakehouse.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import dev.lakehouse.gateway.databricks.EmulatorAdmin;
import io.modelcontextprotocol.client.McpAsyncClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import reactor.core.publisher.Mono;

/**
 * The 429 wall, as an agent framework's parallel fan-out meets it: 200 list_tables calls at once from one MCP
 * session against a workspace whose Unity Catalog family allows 20 requests per second, counted after answering
 * (the emulator, like Databricks). In absorb mode the agent sees no failure and the workspace sees few 429s, whether
 * the limit is configured, learned from 429s, or learned without Retry-After; a second workspace is not slowed by
 * the first one's storm. Counts are asserted; times are reported (a generous bound catches a hang or a serial queue).
 */
class RateLimitStormTest extends RateLimitTestBase {

    /** N calls per storm and the workspace's limit L (req/s): -Dstorm.calls, -Dstorm.limit (the benchmark command). */
    static final int CALLS = Integer.getInteger("storm.calls", 200);
    static final int LIMIT = Integer.getInteger("storm.limit", 20);

    @Autowired
    Environment environment;

    @Autowired
    UpstreamGovernor governor;

    static final StringBuilder REPORT = new StringBuilder();

    @BeforeAll
    static void header() {
        REPORT.setLength(0);
    }

    @AfterAll
    static void report() {
        System.out.println("\nRate-limit storms (" + CALLS + " calls, limit " + LIMIT + "/s):\n" + Storm.HEADER + "\n" + REPORT);
    }

    private EmulatorAdmin limited(String workspace, Map<String, Object> extra) {
        EmulatorAdmin admin = EmulatorAdmin.of(environment, workspace);
        Map<String, Object> settings = new java.util.HashMap<>(Map.of("limits", Map.of("unity-catalog", LIMIT)));
        settings.putAll(extra);
        admin.rateLimits(settings);
        return admin;
    }

    /**
     * Once per run, a storm on a workspace of its own (the "threads" one) warms the JVM up, so that the scenarios
     * measure the gateway rather than its first-call costs (class loading, JIT, pools growing).
     */
    @BeforeEach
    void warmUp() {
        if (warm) {
            return;
        }
        McpAsyncClient client = Storm.client(port);
        try {
            Storm.calls(client, "threads", CALLS).block(Duration.ofSeconds(120));
        } finally {
            client.closeGracefully().block(Duration.ofSeconds(10));
        }
        warm = true;
    }

    private static boolean warm;

    private Storm.Result storm(String scenario, String workspace, Map<String, Object> emulatorSettings) {
        EmulatorAdmin admin = limited(workspace, emulatorSettings);
        McpAsyncClient client = Storm.client(port);
        try {
            Storm.Result result = Storm.run(scenario, client, admin, workspace, CALLS, LIMIT).withLearned(key(workspace));
            REPORT.append(result.row()).append('\n');
            return result;
        } finally {
            client.closeGracefully().block(Duration.ofSeconds(10));
            admin.resetRateLimits();
        }
    }

    private static void assertAbsorbed(Storm.Result result) {
        assertThat(result.failures()).as("agent-visible failures: %s", result.failureTexts()).isZero();
        assertThat(result.upstream429s()).as("upstream 429s (at most 5%% of the calls)").isLessThanOrEqualTo(Math.max(1, CALLS / 20));
        assertThat(result.upstreamRequests()).as("every call reached the workspace once, plus its 429s")
                .isEqualTo(CALLS + result.upstream429s());
        // not a speed test: a bound far above the target (1.15×) catches a hang or a serial bottleneck
        assertThat(result.wallRatio()).as("wall / ideal").isLessThan(2.0);
    }

    @Test
    void aKnownLimitIsNeverHit() {
        Storm.Result result = storm("absorb, limit configured", "stormknown", Map.of());
        assertAbsorbed(result);
        assertThat(result.upstream429s()).isZero();
    }

    @Test
    void anUnknownLimitIsLearnedFromTheFirst429s() {
        Storm.Result result = storm("absorb, limit learned", "stormlearn", Map.of());
        assertAbsorbed(result);
        assertThat(result.upstream429s()).as("the limit was met").isPositive();
        UpstreamLimit.Snapshot key = key("stormlearn");
        assertThat(key.learnedRate()).as("learned limit").isBetween(17.0, 22.0);
        assertThat(key.learned()).isTrue();
    }

    @Test
    void withoutRetryAfterTheDefaultPauseApplies() {
        Storm.Result result = storm("absorb, no Retry-After", "stormnora", Map.of("retry_after_enabled", false));
        assertAbsorbed(result);
        assertThat(result.upstream429s()).isPositive();
        assertThat(key("stormnora").learnedRate()).isBetween(17.0, 22.0);
    }

    @Test
    void oneWorkspacesStormDoesNotSlowAnother() {
        EmulatorAdmin w1 = limited("stormw1", Map.of());
        EmulatorAdmin w2 = limited("stormw2", Map.of());
        McpAsyncClient c1 = Storm.client(port);
        McpAsyncClient c2 = Storm.client(port);
        try {
            w1.clearRequests();
            w2.clearRequests();
            var both = Mono.zip(Storm.calls(c1, "stormw1", CALLS).elapsed(), Storm.calls(c2, "stormw2", CALLS / 2).elapsed())
                    .block(Duration.ofSeconds(120));
            Storm.Result r1 = Storm.result("two workspaces: W1 storming", both.getT1().getT2(),
                    both.getT1().getT1() / 1e3, w1, CALLS, LIMIT).withLearned(key("stormw1"));
            Storm.Result r2 = Storm.result("two workspaces: W2 beside it", both.getT2().getT2(),
                    both.getT2().getT1() / 1e3, w2, CALLS / 2, LIMIT).withLearned(key("stormw2"));
            REPORT.append(r1.row()).append('\n').append(r2.row()).append('\n');
            assertAbsorbed(r1);
            assertThat(r2.failures()).isZero();
            assertThat(r2.upstream429s()).isLessThanOrEqualTo(CALLS / 40);
            // W2's wall against its own ideal (100 calls / 20 per s): W1's queue must not hold it back
            assertThat(r2.wallRatio()).as("W2 wall / its ideal").isLessThan(1.5);
        } finally {
            c1.closeGracefully().block(Duration.ofSeconds(10));
            c2.closeGracefully().block(Duration.ofSeconds(10));
            w1.resetRateLimits();
            w2.resetRateLimits();
        }
    }

    private UpstreamLimit.Snapshot key(String workspace) {
        String port = java.net.URI.create(environment.getProperty("emulator.url." + workspace)).getPort() + "";
        return governor.limits().stream().map(UpstreamLimit::snapshot)
                .filter(s -> s.host().endsWith(":" + port) && s.family().equals("unity-catalog"))
                .findFirst().orElseThrow();
    }
}
