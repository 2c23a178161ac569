package dev.lakehouse.gateway.ratelimit;

import static dev.lakehouse.gateway.support.McpTestClients.call;
import static dev.lakehouse.gateway.support.McpTestClients.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import dev.lakehouse.gateway.databricks.EmulatorAdmin;
import dev.lakehouse.gateway.support.McpTestClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/**
 * Resilience per workspace: the circuit breaker of the "breaker" workspace opens after its calls fail (5xx), answers
 * at once while open without calling the workspace, lets one probe through when half-open after 2 s, and closes
 * when it succeeds; the hourly job quota (a 400 that names a rate) is passed to the agent with its wait, not retried.
 */
class UpstreamResilienceTest extends RateLimitTestBase {

    static final String CATALOGS = "GET /api/2.1/unity-catalog/catalogs";

    @Autowired
    Environment environment;

    private EmulatorAdmin breaker;
    private McpSyncClient client;

    @BeforeEach
    void setUp() {
        breaker = EmulatorAdmin.of(environment, "breaker");
        breaker.clearFaults();
        client = McpTestClients.plain(port, null);
    }

    @AfterEach
    void tearDown() {
        breaker.clearFaults();
        client.closeGracefully();
    }

    private McpSchema.CallToolResult listCatalogs() {
        return call(client, "list_catalogs", Map.of("workspace", "breaker"));
    }

    @Test
    void theBreakerOpensOnServerErrorsAnswersAtOnceThenProbesAndCloses() throws Exception {
        breaker.addFault(Map.of("kind", "INTERNAL_ERROR", "family", "unity-catalog", "count", 10));
        // a window of 4 calls, half of them failed: open after at most 4 failures (fewer if earlier calls of this
        // workspace are in the window)
        int failures = 0;
        McpSchema.CallToolResult answer = listCatalogs();
        while (text(answer).contains("HTTP 500") && failures < 6) {
            failures++;
            answer = listCatalogs();
        }
        assertThat(failures).as("server errors before the breaker opened").isBetween(2, 4);
        long before = breaker.count(CATALOGS);
        long start = System.nanoTime();
        McpSchema.CallToolResult open = listCatalogs();
        assertThat(open.isError()).isTrue();
        assertThat(text(open)).contains("workspace 'breaker' is failing").contains("Try again in 2 s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(breaker.count(CATALOGS)).as("an open breaker does not call the workspace").isEqualTo(before);
        assertThat(breakerGauge("open")).as("gateway_upstream_breaker_state{state=open}").isEqualTo(1);
        assertThat(breakerGauge("closed")).isZero();

        breaker.clearFaults();
        Thread.sleep(2300);   // open state over: half-open, one probe may go
        McpSchema.CallToolResult probe = listCatalogs();
        assertThat(probe.isError()).as(text(probe)).isFalse();
        assertThat(breaker.count(CATALOGS)).isEqualTo(before + 1);
        McpSchema.CallToolResult closed = listCatalogs();
        assertThat(closed.isError()).as("closed again").isFalse();
        assertThat(breakerGauge("closed")).as("gateway_upstream_breaker_state{state=closed}").isEqualTo(1);
        assertThat(breakerGauge("open")).isZero();
    }

    /** The breaker gauge of the "breaker" workspace for one state: 1 when the breaker is in it. */
    private double breakerGauge(String state) {
        String workspace = UpstreamGovernor.hostOf(environment.getProperty("emulator.url.breaker"));
        return registry.get("gateway.upstream.breaker.state").tags("workspace", workspace, "state", state).gauge().value();
    }

    @Test
    void theHourlyJobQuotaIsPassedThroughWithItsWaitAndNotRetried() {
        breaker.addFault(Map.of("kind", "JOB_QUOTA", "family", "jobs", "count", 5));
        long before = breaker.requests().path("families").path("jobs").path("received").asLong();
        McpSchema.CallToolResult result = call(client, "run_job", Map.of("workspace", "breaker", "job_id", 700000000001L));
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("rate-limits jobs-run calls on workspace breaker").contains("quota")
                .contains("retry in 3600 s");
        Map<?, ?> structured = (Map<?, ?>) result.structuredContent();
        assertThat(structured.get("error")).isEqualTo("rate_limited");
        assertThat(((Number) structured.get("retry_after_seconds")).longValue()).isEqualTo(3600);
        assertThat(breaker.requests().path("families").path("jobs").path("received").asLong() - before)
                .as("never retried in a loop").isEqualTo(1);
    }

    @Test
    void theBulkheadTurnsAwayCallsBeyondItsCapWhileTheWorkspaceIsSlow() {
        int cap = 64;   // gateway.upstream.bulkhead.max-concurrent-calls
        EmulatorAdmin bulkhead = EmulatorAdmin.of(environment, "bulkhead");
        bulkhead.addFault(Map.of("kind", "LATENCY", "family", "unity-catalog", "latency_ms", 1500, "count", cap + 6));
        var async = Storm.client(port);
        try {
            var results = reactor.core.publisher.Flux.range(0, cap + 6)
                    .flatMap(i -> async.callTool(McpSchema.CallToolRequest.builder("list_catalogs")
                            .arguments(Map.of("workspace", "bulkhead")).build()), cap + 6)
                    .collectList().block(Duration.ofSeconds(90));
            long busy = results.stream().filter(r -> Boolean.TRUE.equals(r.isError()))
                    .filter(r -> ((McpSchema.TextContent) r.content().get(0)).text().contains("are in flight at once"))
                    .count();
            long ok = results.stream().filter(r -> !Boolean.TRUE.equals(r.isError())).count();
            assertThat(busy).as("turned away by the bulkhead").isBetween(1L, 6L);
            // the rest got through, or met this workspace's breaker, which counts the bulkhead's refusals
            assertThat(ok).isGreaterThanOrEqualTo(cap - 6);
        } finally {
            async.closeGracefully().block(Duration.ofSeconds(10));
            bulkhead.clearFaults();
        }
    }

    @Test
    void aPauseLongerThanTheCapIsPassedToTheAgentAndTheKeyPausesOnlyForTheCap() {
        breaker.addFault(Map.of("kind", "RATE_LIMIT", "family", "unity-catalog", "count", 1, "retry_after_seconds", 600));
        McpSchema.CallToolResult blocked = listCatalogs();
        assertThat(blocked.isError()).isTrue();
        assertThat(text(blocked)).contains("the workspace asked for a long pause").contains("retry in 600 s");
        // the key itself pauses for gateway.ratelimit.max-pause (60 s) at most: the next call is told so
        McpSchema.CallToolResult next = listCatalogs();
        assertThat(next.isError()).isTrue();
        assertThat(text(next)).containsPattern("retry in (5[5-9]|6[0-2]) s");
        governor.reset();
    }

    @Autowired
    UpstreamGovernor governor;

    @Autowired
    MeterRegistry registry;
}
