package dev.lakehouse.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.greenbytes.http.sfv.Parser;
import org.junit.jupiter.api.Test;

/**
 * Step 6: inbound quotas per tenant and per agent at the MCP edge, through scoped MCP URLs (each is an agent of its
 * tenant). Tenant tiny allows 2 requests/s (burst 6) and each of its agents 1/s (burst 4); tenant demo is generous.
 * Over quota: HTTP 429 with Retry-After and RateLimit fields, a JSON-RPC error that echoes nothing; one tenant's
 * flood does not touch another tenant.
 */
class InboundQuotaTest extends RateLimitTestBase {

    private String scopedUrl(String tenant, String connection) throws Exception {
        HttpResponse<String> minted = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/tenants/"
                        + tenant + "/scoped-urls")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"connection\":\"" + connection + "\",\"expires_in_seconds\":600}"))
                .build());
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
        return "http://127.0.0.1:" + port + "/mcp/u/" + json(minted.body()).path("token").asText();
    }

    private HttpResponse<String> ping(String url, String session, int id) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Accept", ACCEPT_BOTH)
                .header("X-Probe", "echo-me-not")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}"));
        if (session != null) {
            request.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        }
        return send(request.build());
    }

    private String open(String url) throws Exception {
        HttpResponse<String> init = send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Accept", ACCEPT_BOTH)
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                         "capabilities":{},"clientInfo":{"name":"quota-test","version":"1"}}}""")).build());
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    @Test
    void anAgentOverItsQuotaGets429WithRetryAfterAndRateLimitFieldsWhileOtherTenantsGoOn() throws Exception {
        String agentA = scopedUrl("tiny", "main");
        String agentB = scopedUrl("tiny", "main");
        String demo = scopedUrl("demo", "acme");
        String sessionA = open(agentA);   // 1 of agent A's burst of 4, 1 of tiny's 6
        List<HttpResponse<String>> flood = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            flood.add(ping(agentA, sessionA, 10 + i));
        }
        long accepted = flood.stream().filter(r -> r.statusCode() == 200).count();
        assertThat(accepted).as("agent A: burst 4, initialize included").isBetween(3L, 4L);
        HttpResponse<String> refused = flood.get(flood.size() - 1);
        assertThat(refused.statusCode()).isEqualTo(429);
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 2L);
        assertFields(refused, "gateway-agent", retryAfter);
        JsonNode error = json(refused.body());
        assertThat(error.path("error").path("code").asInt()).isEqualTo(-32000);
        assertThat(error.path("error").path("message").asText()).contains("agent's quota").contains("retry in");
        assertThat(error.path("error").path("data").path("retry_after_seconds").asLong()).isEqualTo(retryAfter);
        assertThat(refused.body()).doesNotContain("echo-me-not", "\"ping\"");
        assertThat(refused.headers().firstValue("X-Probe")).isEmpty();

        // agent B of the same tenant has its own quota, within the tenant's (6 per burst: A used 4)
        String sessionB = open(agentB);
        HttpResponse<String> b1 = ping(agentB, sessionB, 1);
        assertThat(b1.statusCode()).as("tenant tiny has 1 left of its burst").isEqualTo(200);
        HttpResponse<String> b2 = ping(agentB, sessionB, 2);
        assertThat(b2.statusCode()).as("tenant tiny's quota is used up, not agent B's").isEqualTo(429);
        assertFields(b2, "gateway-tenant", Long.parseLong(b2.headers().firstValue("Retry-After").orElseThrow()));

        // tenant demo is not touched by tiny's flood
        String sessionDemo = open(demo);
        for (int i = 0; i < 10; i++) {
            assertThat(ping(demo, sessionDemo, 100 + i).statusCode()).isEqualTo(200);
        }

        // after Retry-After, agent A gets in again
        Thread.sleep(retryAfter * 1000 + 100);
        assertThat(ping(agentA, sessionA, 99).statusCode()).isEqualTo(200);
    }

    @Test
    void notificationsAndCancellationsAreNotCounted() throws Exception {
        String agent = scopedUrl("tinier", "main");
        String session = open(agent);   // 1 of the agent's burst of 4
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> note = send(HttpRequest.newBuilder(URI.create(agent)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").header("Accept", ACCEPT_BOTH)
                    .header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                            + "\"params\":{\"requestId\":" + i + "}}")).build());
            assertThat(note.statusCode()).isEqualTo(202);
        }
        // the 20 notifications took nothing: the rest of the burst is still there
        for (int i = 0; i < 3; i++) {
            assertThat(ping(agent, session, 50 + i).statusCode()).isEqualTo(200);
        }
        assertThat(ping(agent, session, 60).statusCode()).isEqualTo(429);
    }

    /** RateLimit-Policy and RateLimit parsed as RFC 8941 lists; the trio in delta seconds. */
    static void assertFields(HttpResponse<String> response, String policy, long retryAfter) {
        Map<String, List<String>> headers = response.headers().map();
        var policyList = Parser.parseList(response.headers().firstValue("RateLimit-Policy").orElseThrow());
        assertThat(policyList.get()).hasSize(1);
        var policyItem = (org.greenbytes.http.sfv.Item<?>) policyList.get().get(0);
        assertThat(policyItem.get()).isEqualTo(policy);
        assertThat(((Number) policyItem.getParams().get("q").get()).longValue()).isPositive();
        var limit = Parser.parseList(response.headers().firstValue("RateLimit").orElseThrow());
        var limitItem = (org.greenbytes.http.sfv.Item<?>) limit.get().get(0);
        assertThat(limitItem.get()).isEqualTo(policy);
        assertThat(((Number) limitItem.getParams().get("r").get()).longValue()).isZero();
        long t = ((Number) limitItem.getParams().get("t").get()).longValue();
        assertThat(retryAfter).as("Retry-After not earlier than t").isGreaterThanOrEqualTo(t);
        assertThat(Long.parseLong(response.headers().firstValue("RateLimit-Remaining").orElseThrow())).isZero();
        long reset = Long.parseLong(response.headers().firstValue("RateLimit-Reset").orElseThrow());
        assertThat(reset).as("delta seconds, never an epoch").isBetween(0L, 3600L);
        assertThat(headers.keySet()).noneMatch(h -> h.toLowerCase().startsWith("x-ratelimit"));
    }
}
