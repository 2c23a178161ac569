package dev.lakehouse.gateway.databricks;

import static dev.lakehouse.gateway.support.McpTestClients.call;
import static dev.lakehouse.gateway.support.McpTestClients.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.McpTestClients;
import dev.lakehouse.gateway.tenant.TenantConnections;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/**
 * Step 7 of the pipeline: the tenant connection's Databricks token. OAuth M2M tokens of the emulator live 4 s, so
 * these tests cross expiries: the gateway caches a token, refreshes it at half-life with one token request at a time
 * per connection, recovers from a revoked token, explains a wrong secret and a token endpoint outage, and never
 * forwards the caller's own credentials nor returns the Databricks token.
 */
class TokenEnrichmentTest extends GatewayTestBase {

    private static final String TOKEN = "POST /oidc/v1/token";
    private static final String CATALOGS = "GET /api/2.1/unity-catalog/catalogs";
    private static final String ACME_CLIENT = "acme-m2m-client";
    private static final String CALLER_SECRET = "caller-secret-xyz";

    @Autowired
    Environment environment;

    @Autowired
    CamelContext camelContext;

    @Autowired
    DatabricksTokens databricksTokens;

    @Autowired
    TenantConnections tenantConnections;

    private EmulatorAdmin acme;
    private McpSyncClient client;

    @BeforeEach
    void setUp() {
        acme = EmulatorAdmin.of(environment, "acme");
        acme.clearFaults();
        client = McpTestClients.plain(port, null);
    }

    @AfterEach
    void tearDown() {
        acme.clearFaults();
        client.closeGracefully();
    }

    private McpSchema.CallToolResult listCatalogs(Map<String, Object> arguments) throws Exception {
        return CompletableFuture.supplyAsync(() -> call(client, "list_catalogs", arguments)).get(40, TimeUnit.SECONDS);
    }

    private void assertOk(McpSchema.CallToolResult result) {
        assertThat(result.isError()).as(text(result)).isFalse();
        assertThat(text(result)).contains("samples");
    }

    /** A fresh token in the cache, then nothing: after this the cached token is past its refresh point. */
    private void letTheCachedTokenExpire() throws Exception {
        assertOk(listCatalogs(Map.of()));
        Thread.sleep(4_300);
    }

    /** A token fetched just now in the cache (its refresh point is 2 s away): revoke everything, then one call. */
    private void freshToken() throws Exception {
        acme.revokeClient(ACME_CLIENT);
        assertOk(listCatalogs(Map.of()));
    }

    @Test
    void m2mTokenIsCachedAndRefreshedAcrossExpiries() throws Exception {
        long tokensBefore = acme.count(TOKEN);
        long catalogsBefore = acme.count(CATALOGS);
        long end = System.nanoTime() + Duration.ofMillis(10_500).toNanos();
        int calls = 0;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            assertOk(listCatalogs(Map.of()));
            calls++;
            Thread.sleep(100);
        }
        long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        long tokenRequests = acme.count(TOKEN) - tokensBefore;
        assertThat(acme.count(CATALOGS) - catalogsBefore).as("every call reached the workspace once").isEqualTo(calls);
        assertThat(calls).isGreaterThanOrEqualTo(15);
        // tokens live 4 s and are refreshed at half-life: about one token request per 2 s, not one per call
        assertThat(tokenRequests).as("token requests for %d calls in %d s", calls, seconds)
                .isBetween(3L, seconds / 2 + 2);
        assertThat(tokenRequests * 3).as("token requests for %d calls", calls).isLessThan(calls);
    }

    @Test
    void concurrentCallsAfterExpiryShareOneTokenRequest() throws Exception {
        letTheCachedTokenExpire();
        long tokensBefore = acme.count(TOKEN);
        List<McpSchema.CallToolResult> results = concurrently(20, () -> call(client, "list_catalogs", Map.of()));
        results.forEach(this::assertOk);
        assertThat(acme.count(TOKEN) - tokensBefore).as("single flight after expiry").isBetween(1L, 2L);
    }

    @Test
    void concurrentCallsAfterRevocationShareOneTokenRequest() throws Exception {
        freshToken();
        assertThat(acme.revokeClient(ACME_CLIENT)).isGreaterThanOrEqualTo(1);
        long tokensBefore = acme.count(TOKEN);
        List<McpSchema.CallToolResult> results = concurrently(20, () -> call(client, "list_catalogs", Map.of()));
        results.forEach(this::assertOk);
        assertThat(acme.count(TOKEN) - tokensBefore).as("single flight after revocation").isBetween(1L, 2L);
    }

    @Test
    void revokedTokenIsReplacedTransparently() throws Exception {
        freshToken();
        assertThat(acme.revokeClient(ACME_CLIENT)).isGreaterThanOrEqualTo(1);
        long tokensBefore = acme.count(TOKEN);
        long catalogsBefore = acme.count(CATALOGS);
        assertOk(listCatalogs(Map.of()));
        assertThat(acme.count(TOKEN) - tokensBefore).isEqualTo(1);
        assertThat(acme.count(CATALOGS) - catalogsBefore).as("rejected once, then retried").isEqualTo(2);
    }

    @Test
    void wrongClientSecretTellsATenantAdminToUpdateIt() throws Exception {
        long tokensBefore = acme.count(TOKEN);
        long catalogsBefore = acme.count(CATALOGS);
        McpSchema.CallToolResult result = listCatalogs(Map.of("workspace", "acme-badsecret"));
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("acme-badsecret").contains("invalid_client")
                .contains("secret was revoked or is wrong").contains("tenant admin must update")
                .doesNotContain("not-the-acme-m2m-secret", "Exception");
        assertThat(acme.count(TOKEN) - tokensBefore).isEqualTo(1);
        assertThat(acme.count(CATALOGS)).as("no API call without a token").isEqualTo(catalogsBefore);
        // a failed token request is not cached: the next call asks again (and fails the same way)
        McpSchema.CallToolResult again = listCatalogs(Map.of("workspace", "acme-badsecret"));
        assertThat(again.isError()).isTrue();
        assertThat(text(again)).contains("secret was revoked or is wrong");
        assertThat(acme.count(TOKEN) - tokensBefore).isEqualTo(2);
    }

    @Test
    void tokenEndpointOutageSaysToRetryLater() throws Exception {
        freshToken();
        acme.revokeClient(ACME_CLIENT);
        acme.addFault(Map.of("kind", "TOKEN_OUTAGE"));
        McpSchema.CallToolResult result = listCatalogs(Map.of());
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("token endpoint is unavailable").contains("temporarily_unavailable")
                .containsIgnoringCase("try again").doesNotContain("Exception");
        // the outage ends: the next call gets a token and succeeds
        acme.clearFaults();
        assertOk(listCatalogs(Map.of()));
    }

    /** A refresh ahead that meets an outage keeps the current token serving; the retry after it gets a new one. */
    @Test
    void aRefreshAheadDuringAnOutageKeepsTheCurrentTokenServing() throws Exception {
        freshToken();              // fetched now: refresh point 2 s away, expiry 4 s away (4 s test tokens)
        Thread.sleep(2_200);       // past the refresh point, before the expiry
        JsonNode before = acme.requests().path("token_requests");
        acme.addFault(Map.of("kind", "TOKEN_OUTAGE", "count", 1));
        assertOk(listCatalogs(Map.of()));
        JsonNode during = acme.requests().path("token_requests");
        assertThat(during.path("failed").asLong() - before.path("failed").asLong()).as("refresh refused by the outage")
                .isEqualTo(1);
        // retried after half the token's rest (< 1 s here): the outage is over, a new token comes
        Thread.sleep(1_100);
        assertOk(listCatalogs(Map.of()));
        JsonNode after = acme.requests().path("token_requests");
        assertThat(after.path("client_credentials").asLong() - during.path("client_credentials").asLong())
                .as("token requests after the outage").isEqualTo(1);
        assertThat(after.path("failed").asLong()).isEqualTo(during.path("failed").asLong());
    }

    @Test
    void tokenEndpointOutageOnExpirySaysToRetryLater() throws Exception {
        letTheCachedTokenExpire();
        acme.addFault(Map.of("kind", "TOKEN_OUTAGE"));
        McpSchema.CallToolResult result = listCatalogs(Map.of());
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("token endpoint is unavailable").containsIgnoringCase("try again");
        acme.clearFaults();
        assertOk(listCatalogs(Map.of()));
    }

    @Test
    void callerCredentialsNeverReachDatabricksAndTheDatabricksTokenNeverComesBack() throws Exception {
        List<Map<String, Object>> upstreamHeaders = new CopyOnWriteArrayList<>();
        EventNotifierSupport recorder = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeSendingEvent sending
                        && sending.getEndpoint().getEndpointUri().startsWith("http")) {
                    upstreamHeaders.add(Map.copyOf(sending.getExchange().getMessage().getHeaders()));
                }
            }
        };
        camelContext.getManagementStrategy().addEventNotifier(recorder);
        ServiceHelper.startService(recorder);
        List<HttpResponse<String>> responses = new ArrayList<>();
        try {
            String session = initialize();
            for (Map<String, Object> call : List.of(
                    Map.<String, Object>of("name", "list_catalogs", "arguments", Map.of()),
                    Map.<String, Object>of("name", "list_schemas", "arguments", Map.of("catalog", "samples")),
                    Map.<String, Object>of("name", "list_catalogs", "arguments", Map.of("workspace", "globex")),
                    Map.<String, Object>of("name", "describe_table", "arguments", Map.of("full_name", "samples.tpch.nope")),
                    Map.<String, Object>of("name", "gateway_info", "arguments", Map.of()))) {
                responses.add(send(inSession(session, request(responses.size() + 2, "tools/call", call))
                        .header("Authorization", "Bearer " + CALLER_SECRET)
                        .header("X-Caller-Secret", CALLER_SECRET)
                        .header("Cookie", "session=" + CALLER_SECRET)
                        .build()));
            }
        } finally {
            camelContext.getManagementStrategy().removeEventNotifier(recorder);
            ServiceHelper.stopService(recorder);
        }
        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(responses.get(0).body()).contains("samples");
        assertThat(responses.get(2).body()).contains("samples");

        // what went upstream: the gateway's own tokens, nothing of the caller
        assertThat(upstreamHeaders).as("upstream requests seen").hasSizeGreaterThanOrEqualTo(4);
        assertThat(upstreamHeaders).allSatisfy(headers -> {
            assertThat(headers.values()).allSatisfy(v -> assertThat(String.valueOf(v)).doesNotContain(CALLER_SECRET));
            assertThat(headers.keySet()).noneMatch(k -> k.equalsIgnoreCase("X-Caller-Secret") || k.equalsIgnoreCase("Cookie"));
            assertThat(String.valueOf(headers.get("Authorization"))).startsWith("Bearer ");
        });
        assertThat(upstreamHeaders).anySatisfy(h -> assertThat(h.get("Authorization"))
                .isEqualTo("Bearer dapi-globex-emulator-pat"));
        assertThat(upstreamHeaders).anySatisfy(h -> assertThat(String.valueOf(h.get("Authorization")))
                .startsWith("Bearer emu-at-"));
        List<String> upstreamTokens = upstreamHeaders.stream()
                .map(h -> String.valueOf(h.get("Authorization")).substring("Bearer ".length())).distinct().toList();
        List<String> secrets = new ArrayList<>(upstreamTokens);
        secrets.add(databricksTokens.accessToken(tenantConnections.connection("demo", "acme")));

        // what came back: none of the Databricks tokens, in bodies or headers
        for (HttpResponse<String> response : responses) {
            for (String secret : secrets) {
                assertThat(response.body()).doesNotContain(secret);
                assertThat(response.headers().map().toString()).doesNotContain(secret);
            }
            assertThat(response.headers().map().toString()).doesNotContain(CALLER_SECRET);
        }
    }

    private <T> List<T> concurrently(int n, java.util.function.Supplier<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return task.get();
                }));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
