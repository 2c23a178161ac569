package dev.lakehouse.gateway.databricks;

import static dev.lakehouse.gateway.support.McpTestClients.call;
import static dev.lakehouse.gateway.support.McpTestClients.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
 * Step 11 of the pipeline against faults injected into the acme workspace of the emulator: 429 and 503 with
 * Retry-After are retried (honouring it, up to gateway.databricks.max-attempts), a Retry-After beyond
 * gateway.databricks.max-retry-after is not waited for, 500 is not retried, and a dropped connection is a clear
 * tool error. Never a JSON-RPC error, never a hang.
 */
class UpstreamFaultsTest extends GatewayTestBase {

    private static final String CATALOGS = "GET /api/2.1/unity-catalog/catalogs";

    @Autowired
    Environment environment;

    @Value("${gateway.databricks.max-attempts}")
    int maxAttempts;

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
    void moreRateLimitsThanAttemptsIsAnErrorWithRetryAfter() throws Exception {
        fault("RATE_LIMIT", 10, 1);
        long before = acme.count(CATALOGS);
        Timed call = listCatalogs();
        assertThat(call.result().isError()).isTrue();
        assertThat(call.text()).containsIgnoringCase("rate limit").contains("Retry after 1 second")
                .contains("REQUEST_LIMIT_EXCEEDED");
        assertThat(acme.count(CATALOGS) - before).isEqualTo(maxAttempts);
        assertThat(call.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis((maxAttempts - 1) * 1000L - 100));
    }

    @Test
    void retryAfterBeyondTheCapIsNotWaitedFor() throws Exception {
        fault("RATE_LIMIT", 10, 30);
        long before = acme.count(CATALOGS);
        Timed call = listCatalogs();
        assertThat(call.result().isError()).isTrue();
        assertThat(call.text()).containsIgnoringCase("rate limit").contains("Retry after 30 seconds");
        assertThat(acme.count(CATALOGS) - before).isEqualTo(1);
        assertThat(call.elapsed()).isLessThan(Duration.ofSeconds(5));
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
