package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.emulator.EmulatorFixture.Reply;

/**
 * Retry-After switch, per-family concurrency limits, per-family 429 counts in the request log and the
 * runtime control of the limits through {@code /emulator/admin/rate-limits}.
 */
@Timeout(90)
class RateLimitControlTest {

    private EmulatorServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Workspace start(Consumer<EmulatorProperties.RateLimits> limits) {
        EmulatorProperties p = EmulatorFixture.fastProperties();
        limits.accept(p.getRateLimits());
        server = new EmulatorServer(p).start();
        return server.workspace("acme");
    }

    private static Reply clusters(Workspace ws) throws Exception {
        return EmulatorFixture.get(ws.url() + "/api/2.1/clusters/list", EmulatorFixture.pat(ws));
    }

    private static JsonNode admin(Workspace ws, String method, String path, String json) throws Exception {
        String url = ws.url() + "/emulator/admin" + path;
        Reply reply = switch (method) {
            case "GET" -> EmulatorFixture.get(url, null);
            case "PUT" -> EmulatorFixture.put(url, json);
            case "DELETE" -> EmulatorFixture.delete(url);
            default -> EmulatorFixture.post(url, null, json);
        };
        assertThat(reply.status()).as("%s %s -> %s", method, path, reply.body()).isEqualTo(200);
        return reply.json();
    }

    private static void awaitInFlight(Workspace ws, String family, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (admin(ws, "GET", "/rate-limits", null).path("in_flight").path(family).asInt() != expected) {
            assertThat(System.nanoTime()).as("%d %s requests in flight", expected, family).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void retryAfterHeaderCanBeSwitchedOff() throws Exception {
        Workspace acme = start(r -> {
            r.setWindow(Duration.ofSeconds(30));
            r.setRetryAfterEnabled(false);
            r.getLimits().put("clusters", 1);
        });
        assertThat(clusters(acme).status()).isEqualTo(200);
        Reply limited = clusters(acme);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().get("error_code").asText()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
        assertThat(limited.raw().headers().firstValue("Retry-After")).isEmpty();

        // switched back on at runtime, with another value
        JsonNode settings = admin(acme, "PUT", "/rate-limits", "{\"retry_after_enabled\":true,\"retry_after_seconds\":3}");
        assertThat(settings.get("retry_after_enabled").asBoolean()).isTrue();
        assertThat(settings.get("retry_after_seconds").asInt()).isEqualTo(3);
        Reply again = clusters(acme);
        assertThat(again.status()).isEqualTo(429);
        assertThat(again.header("Retry-After")).isEqualTo("3");
    }

    @Test
    void concurrencyLimitRefusesRequestsBeyondTheInFlightLimit() throws Exception {
        Workspace acme = start(r -> r.getConcurrent().put("jobs", 2));
        String token = EmulatorFixture.pat(acme);
        String jobs = acme.url() + "/api/2.2/jobs/list";
        // the first two requests stay in flight for 1.5 s
        admin(acme, "POST", "/faults", "{\"kind\":\"LATENCY\",\"family\":\"jobs\",\"latency_ms\":1500,\"count\":2}");
        List<CompletableFuture<Integer>> slow = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            slow.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return EmulatorFixture.get(jobs, token).status();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        awaitInFlight(acme, "jobs", 2);

        Reply refused = EmulatorFixture.get(jobs, token);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().get("error_code").asText()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
        assertThat(refused.json().get("message").asText())
                .isEqualTo("Workspace " + acme.settings().workspaceId() + " exceeded the concurrent limit of 2 requests");
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        // other families are not affected
        assertThat(clusters(acme).status()).isEqualTo(200);

        for (CompletableFuture<Integer> f : slow) {
            assertThat(f.get()).isEqualTo(200);
        }
        assertThat(admin(acme, "GET", "/rate-limits", null).path("in_flight").path("jobs").asInt()).isZero();
        assertThat(EmulatorFixture.get(jobs, token).status()).isEqualTo(200);

        JsonNode counts = admin(acme, "GET", "/requests", null).path("families").path("jobs");
        assertThat(counts.path("received").asLong()).isEqualTo(4);
        assertThat(counts.path("rate_limited").asLong()).isEqualTo(1);
        assertThat(counts.path("concurrency_limited").asLong()).isEqualTo(1);
        assertThat(counts.path("window_limited").asLong()).isZero();
    }

    @Test
    void concurrencyLimitIsSetAndLiftedAtRuntime() throws Exception {
        Workspace acme = start(r -> { });
        admin(acme, "PUT", "/rate-limits", "{\"concurrent\":{\"clusters\":1},\"retry_after_enabled\":false}");
        admin(acme, "POST", "/faults", "{\"kind\":\"LATENCY\",\"family\":\"clusters\",\"latency_ms\":1500,\"count\":1}");
        CompletableFuture<Integer> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return clusters(acme).status();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitInFlight(acme, "clusters", 1);
        Reply refused = clusters(acme);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().get("message").asText()).contains("exceeded the concurrent limit of 1 requests");
        assertThat(refused.raw().headers().firstValue("Retry-After")).isEmpty();

        // lifting the limit lets requests in while the slow one is still in flight
        JsonNode settings = admin(acme, "PUT", "/rate-limits", "{\"concurrent\":{\"clusters\":0}}");
        assertThat(settings.get("concurrent").has("clusters")).isFalse();
        assertThat(settings.path("in_flight").path("clusters").asInt()).isEqualTo(1);
        assertThat(clusters(acme).status()).isEqualTo(200);
        assertThat(slow.get()).isEqualTo(200);
    }

    @Test
    void requestLogCountsReceivedAndRateLimitedPerFamily() throws Exception {
        Workspace acme = start(r -> r.setWindow(Duration.ofSeconds(60)));
        String token = EmulatorFixture.pat(acme);
        admin(acme, "PUT", "/rate-limits", "{\"limits\":{\"unity-catalog\":20}}");
        String catalogs = acme.url() + "/api/2.1/unity-catalog/catalogs";
        int ok = 0;
        int limited = 0;
        for (int i = 0; i < 25; i++) {
            int status = EmulatorFixture.get(catalogs, token).status();
            ok += status == 200 ? 1 : 0;
            limited += status == 429 ? 1 : 0;
        }
        assertThat(ok).isEqualTo(20);
        assertThat(limited).isEqualTo(5);
        // an injected RATE_LIMIT fault is a 429 as well
        admin(acme, "POST", "/faults", "{\"kind\":\"RATE_LIMIT\",\"family\":\"scim\",\"count\":1}");
        assertThat(EmulatorFixture.get(acme.url() + "/api/2.0/preview/scim/v2/Me", token).status()).isEqualTo(429);

        JsonNode requests = admin(acme, "GET", "/requests", null);
        assertThat(requests.get("total").asLong()).isEqualTo(26);
        assertThat(requests.get("by_route").get("GET /api/2.1/unity-catalog/catalogs").asLong()).isEqualTo(25);
        JsonNode uc = requests.get("families").get("unity-catalog");
        assertThat(uc.get("received").asLong()).isEqualTo(25);
        assertThat(uc.get("rate_limited").asLong()).isEqualTo(5);
        assertThat(uc.get("window_limited").asLong()).isEqualTo(5);
        assertThat(uc.get("concurrency_limited").asLong()).isZero();
        assertThat(uc.get("fault_limited").asLong()).isZero();
        JsonNode scim = requests.get("families").get("scim");
        assertThat(scim.get("received").asLong()).isEqualTo(1);
        assertThat(scim.get("rate_limited").asLong()).isEqualTo(1);
        assertThat(scim.get("fault_limited").asLong()).isEqualTo(1);
        assertThat(requests.get("families").get("jobs").get("received").asLong()).isZero();
        assertThat(requests.get("families").fieldNames()).toIterable()
                .containsExactly("sql", "unity-catalog", "jobs", "clusters", "warehouses", "token", "scim", "genie-ask", "genie",
                        "vector-search", "files", "workspace", "lineage", "other");

        JsonNode reset = admin(acme, "DELETE", "/requests", null);
        assertThat(reset.get("total").asLong()).isZero();
        assertThat(reset.get("by_route")).isEmpty();
        assertThat(reset.get("families").get("unity-catalog").get("received").asLong()).isZero();
        assertThat(reset.get("families").get("unity-catalog").get("rate_limited").asLong()).isZero();
        assertThat(reset.get("families").get("scim").get("fault_limited").asLong()).isZero();
    }

    @Test
    void rateLimitsAreReadAndChangedAtRuntime() throws Exception {
        Workspace acme = start(r -> r.getConcurrent().put("sql", 7));
        JsonNode initial = admin(acme, "GET", "/rate-limits", null);
        assertThat(initial.get("window_ms").asLong()).isEqualTo(1000);
        assertThat(initial.get("retry_after_seconds").asInt()).isEqualTo(1);
        assertThat(initial.get("retry_after_enabled").asBoolean()).isTrue();
        assertThat(initial.get("record_after_response").asBoolean()).isTrue();
        assertThat(initial.get("limits").get("unity-catalog").asInt()).isEqualTo(100);
        assertThat(initial.get("limits").get("token").asInt()).isEqualTo(50);
        assertThat(initial.get("concurrent").get("sql").asInt()).isEqualTo(7);
        assertThat(initial.get("concurrent").has("jobs")).isFalse();
        assertThat(initial.get("in_flight").get("clusters").asInt()).isZero();

        JsonNode changed = admin(acme, "PUT", "/rate-limits",
                "{\"limits\":{\"clusters\":2},\"concurrent\":{\"jobs\":5},\"window_ms\":30000,\"retry_after_seconds\":2}");
        assertThat(changed.get("window_ms").asLong()).isEqualTo(30000);
        assertThat(changed.get("limits").get("clusters").asInt()).isEqualTo(2);
        assertThat(changed.get("limits").get("unity-catalog").asInt()).isEqualTo(100);
        assertThat(changed.get("concurrent").get("jobs").asInt()).isEqualTo(5);
        assertThat(changed.get("concurrent").get("sql").asInt()).isEqualTo(7);
        assertThat(changed.get("retry_after_seconds").asInt()).isEqualTo(2);
        assertThat(changed.get("retry_after_enabled").asBoolean()).isTrue();
        assertThat(admin(acme, "GET", "/rate-limits", null)).isEqualTo(changed);

        assertThat(clusters(acme).status()).isEqualTo(200);
        assertThat(clusters(acme).status()).isEqualTo(200);
        Reply limited = clusters(acme);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("2");
        assertThat(limited.json().get("message").asText()).contains("clusters");

        // setting the limit again starts a fresh window
        admin(acme, "PUT", "/rate-limits", "{\"limits\":{\"clusters\":2}}");
        assertThat(clusters(acme).status()).isEqualTo(200);
        assertThat(clusters(acme).status()).isEqualTo(200);
        assertThat(clusters(acme).status()).isEqualTo(429);

        // 0 removes the limit; other families keep theirs
        JsonNode removed = admin(acme, "PUT", "/rate-limits", "{\"limits\":{\"clusters\":0}}");
        assertThat(removed.get("limits").has("clusters")).isFalse();
        assertThat(removed.get("limits").get("sql").asInt()).isEqualTo(100);
        for (int i = 0; i < 10; i++) {
            assertThat(clusters(acme).status()).isEqualTo(200);
        }

        // a GET response can be sent back unchanged
        JsonNode roundTrip = EmulatorFixture.put(acme.url() + "/emulator/admin/rate-limits", removed.toString()).json();
        assertThat(roundTrip).isEqualTo(removed);

        // DELETE restores the configured settings
        JsonNode restored = admin(acme, "DELETE", "/rate-limits", null);
        assertThat(restored).isEqualTo(initial);
    }

    @Test
    void invalidRateLimitUpdatesAreRejectedWithoutChangingAnything() throws Exception {
        Workspace acme = start(r -> { });
        JsonNode before = admin(acme, "GET", "/rate-limits", null);
        String[][] cases = {
                {"{\"limits\":{\"unity-catalog\":-1}}", "limits.unity-catalog must be an integer >= 0"},
                {"{\"limits\":{\"jobs\":\"many\"}}", "limits.jobs must be an integer >= 0"},
                {"{\"limits\":{\"jobs\":1.5}}", "limits.jobs must be an integer >= 0"},
                {"{\"limits\":{\"nope\":3}}", "Unknown API family 'nope' in limits"},
                {"{\"limits\":[1,2]}", "limits must be a JSON object"},
                {"{\"concurrent\":{\"jobs\":-2}}", "concurrent.jobs must be an integer >= 0"},
                {"{\"concurrent\":{\"jobz\":2}}", "Unknown API family 'jobz' in concurrent"},
                {"{\"window_ms\":0}", "window_ms must be an integer between 1 and"},
                {"{\"window_ms\":\"1s\"}", "window_ms must be an integer between 1 and"},
                {"{\"retry_after_seconds\":-1}", "retry_after_seconds must be an integer between 0 and"},
                {"{\"retry_after_enabled\":\"no\"}", "retry_after_enabled must be true or false"},
                {"{\"limit\":{\"jobs\":1}}", "Unknown field 'limit'"},
                // valid limits together with an invalid window: nothing is applied
                {"{\"limits\":{\"jobs\":1},\"window_ms\":-5}", "window_ms must be an integer between 1 and"},
        };
        for (String[] c : cases) {
            Reply reply = EmulatorFixture.put(acme.url() + "/emulator/admin/rate-limits", c[0]);
            assertThat(reply.status()).as(c[0]).isEqualTo(400);
            assertThat(reply.json().get("error_code").asText()).as(c[0]).isEqualTo("INVALID_PARAMETER_VALUE");
            assertThat(reply.json().get("message").asText()).as(c[0]).contains(c[1]);
        }
        assertThat(EmulatorFixture.put(acme.url() + "/emulator/admin/rate-limits", "{not json").status()).isEqualTo(400);
        assertThat(admin(acme, "GET", "/rate-limits", null)).isEqualTo(before);
    }

    @Test
    void hundredsOfParallelRequestsAreLimitedAndCountedExactly() throws Exception {
        Workspace acme = start(r -> { });
        admin(acme, "PUT", "/rate-limits",
                "{\"limits\":{\"unity-catalog\":20},\"record_after_response\":false,\"window_ms\":60000}");
        int n = 240;
        HttpRequest request = HttpRequest.newBuilder(URI.create(acme.url() + "/api/2.1/unity-catalog/catalogs"))
                .header("Authorization", "Bearer " + EmulatorFixture.pat(acme)).timeout(Duration.ofSeconds(60)).GET().build();
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(EmulatorFixture.HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        int limited = 0;
        for (CompletableFuture<HttpResponse<String>> f : futures) {
            int status = f.get().statusCode();
            ok += status == 200 ? 1 : 0;
            limited += status == 429 ? 1 : 0;
        }
        // strict mode counts on arrival: exactly the limit passes, however the requests interleave
        assertThat(ok).isEqualTo(20);
        assertThat(limited).isEqualTo(n - 20);
        JsonNode uc = admin(acme, "GET", "/requests", null).get("families").get("unity-catalog");
        assertThat(uc.get("received").asLong()).isEqualTo(n);
        assertThat(uc.get("rate_limited").asLong()).isEqualTo(n - 20);

        // concurrency limit under the same load: every request is either served or refused, none is lost
        admin(acme, "DELETE", "/requests", null);
        admin(acme, "PUT", "/rate-limits", "{\"limits\":{\"unity-catalog\":0},\"concurrent\":{\"unity-catalog\":4}}");
        admin(acme, "POST", "/faults",
                "{\"kind\":\"LATENCY\",\"family\":\"unity-catalog\",\"latency_ms\":100,\"duration_ms\":60000}");
        futures.clear();
        for (int i = 0; i < n; i++) {
            futures.add(EmulatorFixture.HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        ok = 0;
        limited = 0;
        for (CompletableFuture<HttpResponse<String>> f : futures) {
            int status = f.get().statusCode();
            ok += status == 200 ? 1 : 0;
            limited += status == 429 ? 1 : 0;
        }
        assertThat(ok + limited).isEqualTo(n);
        assertThat(ok).isGreaterThanOrEqualTo(4);
        assertThat(limited).isPositive();
        JsonNode counts = admin(acme, "GET", "/requests", null).get("families").get("unity-catalog");
        assertThat(counts.get("received").asLong()).isEqualTo(n);
        assertThat(counts.get("concurrency_limited").asLong()).isEqualTo(limited);
        assertThat(admin(acme, "GET", "/rate-limits", null).get("in_flight").get("unity-catalog").asInt()).isZero();
    }
}
