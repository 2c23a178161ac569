package dev.lakehouse.gateway.databricks;

import static dev.lakehouse.gateway.support.McpTestClients.call;
import static dev.lakehouse.gateway.support.McpTestClients.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.lakehouse.gateway.ratelimit.UpstreamGovernor;
import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;

/**
 * Step 11 of the pipeline against faults injected into the acme workspace of the emulator: a 429 pauses the key for
 * its Retry-After and the absorbed call is tried again until its max queue wait, then answered with when to come back;
 * a pause longer than the call can wait is answered at once; a 503 to a GET is retried (honouring Retry-After, up to
 * gateway.databricks.max-attempts); 500 is not retried; a dropped connection is a clear tool error. Never a JSON-RPC
 * error, never a hang.
 */
class UpstreamFaultsTest extends GatewayTestBase {

    private static final String CATALOGS = "GET /api/2.1/unity-catalog/catalogs";

    @Autowired
    Environment environment;

    @Value("${gateway.databricks.max-attempts}")
    int maxAttempts;

    @Value("${gateway.ratelimit.max-queue-wait}")
    Duration maxQueueWait;

    @Autowired
    UpstreamGovernor governor;

    private EmulatorAdmin acme;
    private McpSyncClient client;

    @BeforeEach
    void setUp() {
        acme = EmulatorAdmin.of(environment, "acme");
        acme.clearFaults();
        client = McpTestClients.plain(port, null);
        // a token in the cache, so the measured calls only hit the Unity Catalog API
        assertThat(call(client, "list_catalogs", Map.of()).isError()).isFalse();
    }

    @AfterEach
    void tearDown() {
        acme.clearFaults();
        client.closeGracefully();
        governor.reset();   // a paused or slowed key must not leak into the next test
    }

    private void fault(String kind, int count, Integer retryAfter) {
        Map<String, Object> fault = new java.util.HashMap<>(Map.of("kind", kind, "family", "unity-catalog",
                "path_prefix", "/api/2.1/unity-catalog/catalogs", "count", count));
        if (retryAfter != null) {
            fault.put("retry_after_seconds", retryAfter);
        }
        acme.addFault(fault);
    }

    /** list_catalogs with a hard bound, so a hang fails the test instead of stalling the build. */
    private Timed listCatalogs() throws Exception {
        long start = System.nanoTime();
        McpSchema.CallToolResult result = CompletableFuture.supplyAsync(() -> call(client, "list_catalogs", Map.of()))
                .get(40, TimeUnit.SECONDS);
        return new Timed(result, Duration.ofNanos(System.nanoTime() - start));
    }

    record Timed(McpSchema.CallToolResult result, Duration elapsed) {
        String text() {
            return McpTestClients.text(result);
        }
    }

    @Test
    void twoRateLimitsAreRetriedHonouringRetryAfter() throws Exception {
        fault("RATE_LIMIT", 2, 1);
        long before = acme.count(CATALOGS);
        Timed call = listCatalogs();
        assertThat(call.result().isError()).as(call.text()).isFalse();
        assertThat(call.text()).contains("samples");
        assertThat(acme.count(CATALOGS) - before).isEqualTo(3);
        assertThat(call.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @Test
    void persistentRateLimitsAreAbsorbedUntilTheMaxQueueWaitThenAnsweredWithWhenToComeBack() throws Exception {
        fault("RATE_LIMIT", 100, 1);
        long before = acme.count(CATALOGS);
        Timed call = listCatalogs();
        assertThat(call.result().isError()).isTrue();
        assertThat(call.text()).startsWith("Databricks rate-limits unity-catalog calls on workspace acme")
                .contains("retry in").doesNotContain("list_catalogs and list_schemas");
        assertThat(call.result().structuredContent()).isInstanceOf(Map.class);
        Map<?, ?> structured = (Map<?, ?>) call.result().structuredContent();
        assertThat(structured.get("error")).isEqualTo("rate_limited");
        assertThat(structured.get("workspace")).isEqualTo("acme");
        assertThat(structured.get("family")).isEqualTo("unity-catalog");
        assertThat(((Number) structured.get("retry_after_seconds")).longValue()).isPositive();
        // one attempt per pause (Retry-After: 1) until the call's max queue wait: no hammering of the wall
        long attempts = acme.count(CATALOGS) - before;
        long maxWaitSeconds = maxQueueWait.toSeconds();
        assertThat(attempts).isBetween(maxWaitSeconds - 2, maxWaitSeconds + 1);
        assertThat(call.elapsed()).isLessThan(maxQueueWait.plusSeconds(3));
    }

    @Test
    void aRetryAfterLongerThanTheCallCanWaitIsAnsweredAtOnceWithThatWait() throws Exception {
        fault("RATE_LIMIT", 10, 30);
        long before = acme.count(CATALOGS);
        Timed call = listCatalogs();
        assertThat(call.result().isError()).isTrue();
        assertThat(call.text()).contains("rate-limits unity-catalog calls on workspace acme").containsPattern("retry in (29|30) s");
        assertThat(acme.count(CATALOGS) - before).isEqualTo(1);
        assertThat(call.elapsed()).isLessThan(Duration.ofSeconds(5));
        // the whole key is paused: the next call is answered at once too, without calling the workspace
        Timed next = listCatalogs();
        assertThat(next.result().isError()).isTrue();
        assertThat(next.text()).containsPattern("retry in (29|30|31) s");   // staggered after the first one
        assertThat(acme.count(CATALOGS) - before).isEqualTo(1);
    }

    @Test
    void unavailableIsRetriedThenAnError() throws Exception {
        fault("UNAVAILABLE", 10, 1);
        long before = acme.count(CATALOGS);
        Timed call = listCatalogs();
        assertThat(call.result().isError()).isTrue();
        assertThat(call.text()).contains("temporarily unavailable").contains("TEMPORARILY_UNAVAILABLE")
                .contains("Retry after 1 second");
        assertThat(acme.count(CATALOGS) - before).isEqualTo(maxAttempts);
    }

    @Test
    void oneUnavailableIsRetriedToSuccess() throws Exception {
        fault("UNAVAILABLE", 1, 1);
        long before = acme.count(CATALOGS);
        Timed call = listCatalogs();
        assertThat(call.result().isError()).as(call.text()).isFalse();
        assertThat(acme.count(CATALOGS) - before).isEqualTo(2);
        assertThat(call.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void internalErrorIsNotRetried() throws Exception {
        fault("INTERNAL_ERROR", 1, null);
        long before = acme.count(CATALOGS);
        Timed call = listCatalogs();
        assertThat(call.result().isError()).isTrue();
        assertThat(call.text()).contains("failed").contains("HTTP 500").contains("INTERNAL_ERROR").contains("Try again later");
        assertThat(acme.count(CATALOGS) - before).isEqualTo(1);
        // the fault is used up: the next call succeeds
        assertThat(listCatalogs().result().isError()).isFalse();
    }

    @Test
    void oneDroppedConnectionOfAGetIsTriedAgain() throws Exception {
        fault("DROP_CONNECTION", 1, null);
        long before = acme.count(CATALOGS);
        Timed call = listCatalogs();
        assertThat(call.result().isError()).as(call.text()).isFalse();
        assertThat(acme.count(CATALOGS) - before).isEqualTo(2);
    }

    @Test
    void droppedConnectionIsAClearToolError() throws Exception {
        fault("DROP_CONNECTION", 10, null);
        long before = acme.count(CATALOGS);
        Timed call = listCatalogs();
        assertThat(acme.count(CATALOGS) - before).as("bounded attempts").isEqualTo(maxAttempts);
        assertThat(call.result().isError()).isTrue();
        assertThat(call.text()).contains("could not be reached").contains("acme").contains("Try again later");
        assertThat(call.text()).doesNotContain("Exception", "unexpectedly");
        assertThat(call.elapsed()).isLessThan(Duration.ofSeconds(20));
        acme.clearFaults();
        assertThat(listCatalogs().result().isError()).isFalse();
    }

    @Test
    void faultsOnAnotherFamilyDoNotTouchTheCatalogTools() throws Exception {
        acme.addFault(Map.of("kind", "RATE_LIMIT", "family", "jobs", "count", 5));
        Timed call = listCatalogs();
        assertThat(call.result().isError()).as(call.text()).isFalse();
        assertThat(call.elapsed()).isLessThan(Duration.ofSeconds(5));
    }
}
