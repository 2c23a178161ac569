package dev.lakehouse.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.databricks.EmulatorAdmin;
import org.greenbytes.http.sfv.Item;
import org.greenbytes.http.sfv.Parser;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/**
 * Passthrough, read off the wire: 200 parallel list_tables calls over raw HTTP on a workspace limited to 20/s whose
 * connection says passthrough. Every answer carries RateLimit-Policy and RateLimit (RFC 8941, parsed by an
 * independent parser) and the older trio in delta seconds; a limited one is an isError result whose
 * structuredContent names the wait, equal to its Retry-After and not earlier than t; agents that come back after
 * exactly that wait get in (at least 95 %), and the gateway, not the workspace, turns the flood away.
 */
class PassthroughFieldsTest extends RateLimitTestBase {

    static final int CALLS = RateLimitStormTest.CALLS;
    static final int LIMIT = RateLimitStormTest.LIMIT;

    @Autowired
    Environment environment;

    private CompletableFuture<HttpResponse<String>> listTables(String session, int id) throws Exception {
        String body = request(id, "tools/call", Map.of("name", "list_tables", "arguments",
                Map.of("workspace", "stormpass", "catalog", "samples", "schema", "tpch")));
        return HTTP.sendAsync(inSession(session, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void limitedAnswersCarryCorrectFieldsAndAWaitAfterWhichARetrySucceeds() throws Exception {
        EmulatorAdmin workspace = EmulatorAdmin.of(environment, "stormpass");
        workspace.rateLimits(Map.of("limits", Map.of("unity-catalog", LIMIT)));
        try {
            String session = initialize();
            workspace.clearRequests();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            long burstStart = System.nanoTime();
            for (int i = 0; i < CALLS; i++) {
                calls.add(listTables(session, 1000 + i));
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                answers.add(call.get(60, TimeUnit.SECONDS));
            }
            double burstSeconds = (System.nanoTime() - burstStart) / 1e9;

            List<Long> waits = new ArrayList<>();
            int succeeded = 0;
            for (HttpResponse<String> answer : answers) {
                assertThat(answer.statusCode()).isEqualTo(200);
                JsonNode result = json(answer.body()).path("result");
                long t = checkFields(answer);
                if (result.path("isError").asBoolean()) {
                    JsonNode structured = result.path("structuredContent");
                    assertThat(structured.path("error").asText()).isEqualTo("rate_limited");
                    assertThat(structured.path("workspace").asText()).isEqualTo("stormpass");
                    assertThat(structured.path("family").asText()).isEqualTo("unity-catalog");
                    long wait = structured.path("retry_after_seconds").asLong();
                    assertThat(wait).isPositive();
                    assertThat(answer.headers().firstValue("Retry-After").orElseThrow()).isEqualTo(String.valueOf(wait));
                    assertThat(wait).as("Retry-After not earlier than t").isGreaterThanOrEqualTo(t);
                    assertThat(result.path("content").get(0).path("text").asText())
                            .startsWith("Databricks rate-limits unity-catalog calls on workspace stormpass").contains("retry in " + wait + " s");
                    assertThat(result.path("_meta").path(RateLimitFields.META_KEY).path("retry_after_seconds").asLong())
                            .isEqualTo(wait);
                    waits.add(wait);
                } else {
                    succeeded++;
                    assertThat(answer.headers().firstValue("Retry-After")).isEmpty();
                }
            }
            // a second's worth goes at once; on a loaded machine the burst itself spreads over more than a second, and
            // the bucket refills meanwhile, so the bound grows with the burst's own duration (capacity + rate × time)
            int mostThatMayPass = (int) Math.max(LIMIT * 5 / 4, Math.ceil(LIMIT * (1 + burstSeconds)));
            assertThat(succeeded).as("a second's worth goes at once (burst took %.2f s)", burstSeconds)
                    .isBetween(LIMIT * 3 / 4, mostThatMayPass);
            // the turned-away agents were told different seconds, so they do not all come back at once
            assertThat(waits.stream().distinct().count()).as("distinct waits").isGreaterThanOrEqualTo(5);
            assertThat(workspace.family("unity-catalog").path("rate_limited").asLong())
                    .as("the gateway turned the flood away, not the workspace").isLessThanOrEqualTo(Math.max(1, CALLS / 20));

            // every turned-away agent comes back once, after exactly its wait
            ScheduledExecutorService timer = Executors.newScheduledThreadPool(4);
            try {
                List<CompletableFuture<HttpResponse<String>>> retries = new ArrayList<>();
                int id = 5000;
                for (long wait : waits) {
                    int retryId = id++;
                    CompletableFuture<HttpResponse<String>> retry = new CompletableFuture<>();
                    timer.schedule(() -> {
                        try {
                            listTables(session, retryId).whenComplete((r, e) -> {
                                if (e != null) {
                                    retry.completeExceptionally(e);
                                } else {
                                    retry.complete(r);
                                }
                            });
                        } catch (Exception e) {
                            retry.completeExceptionally(e);
                        }
                    }, wait * 1000, TimeUnit.MILLISECONDS);
                    retries.add(retry);
                }
                int ok = 0;
                for (CompletableFuture<HttpResponse<String>> retry : retries) {
                    if (!json(retry.get(60, TimeUnit.SECONDS).body()).path("result").path("isError").asBoolean()) {
                        ok++;
                    }
                }
                System.out.printf("Passthrough: %d of %d turned-away calls came back after their Retry-After and got in "
                        + "(%.1f %%); the workspace answered %d 429s%n", ok, retries.size(), 100.0 * ok / retries.size(),
                        workspace.family("unity-catalog").path("rate_limited").asLong());
                assertThat(ok).as("retries after Retry-After that succeed, of %d", retries.size())
                        .isGreaterThanOrEqualTo((int) Math.ceil(retries.size() * 0.95));
            } finally {
                timer.shutdownNow();
            }
        } finally {
            workspace.resetRateLimits();
        }
    }

    /** Checks the fields of one answer and returns its t. */
    private static long checkFields(HttpResponse<String> answer) {
        var policy = Parser.parseList(answer.headers().firstValue("RateLimit-Policy").orElseThrow()).get();
        assertThat(policy).hasSize(1);
        Item<?> policyItem = (Item<?>) policy.get(0);
        assertThat(policyItem.get()).isEqualTo("databricks-unity-catalog");
        long q = ((Number) policyItem.getParams().get("q").get()).longValue();
        long w = ((Number) policyItem.getParams().get("w").get()).longValue();
        assertThat(q).isEqualTo(LIMIT);
        assertThat(w).isEqualTo(1);
        var limit = Parser.parseList(answer.headers().firstValue("RateLimit").orElseThrow()).get();
        Item<?> limitItem = (Item<?>) limit.get(0);
        assertThat(limitItem.get()).isEqualTo("databricks-unity-catalog");
        long r = ((Number) limitItem.getParams().get("r").get()).longValue();
        long t = ((Number) limitItem.getParams().get("t").get()).longValue();
        assertThat(r).isBetween(0L, q);
        assertThat(t).isBetween(0L, 3600L);
        assertThat(answer.headers().firstValue("RateLimit-Limit").orElseThrow()).isEqualTo(String.valueOf(q));
        assertThat(answer.headers().firstValue("RateLimit-Remaining").orElseThrow()).isEqualTo(String.valueOf(r));
        assertThat(answer.headers().firstValue("RateLimit-Reset").orElseThrow()).isEqualTo(String.valueOf(t));
        return t;
    }
}
