package dev.lakehouse.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.RawHttp;

/**
 * The unauthenticated (loopback) mode's allow-lists on every path the gateway serves × {allowed Host, rebinding
 * Host, foreign Origin}: a DNS-rebinding page, or a page of another site, gets 403 and nothing else, whatever the
 * path; the same request with the loopback Host gets the path's own answer.
 */
class OperatorSurfaceLoopbackTest extends GatewayTestBase {

    private static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
             "capabilities":{},"clientInfo":{"name":"rebinding-test","version":"1"}}}""";

    @Autowired
    CamelContext camelContext;

    /** One request of the matrix: method, path, body (POSTs are MCP JSON-RPC), and its status from an allowed page. */
    record Probe(String method, String path, String body, int allowedStatus) {
    }

    static final List<Probe> PROBES = List.of(
            new Probe("GET", "/actuator", null, 200),
            new Probe("GET", "/actuator/health", null, 200),
            new Probe("GET", "/actuator/info", null, 200),
            new Probe("GET", "/actuator/camel", null, 200),
            new Probe("GET", "/actuator/camel/routes", null, 200),
            new Probe("GET", "/actuator/camel/inflight", null, 200),
            new Probe("GET", "/admin/tenants/demo/connections", null, 200),
            new Probe("GET", "/admin/tenants/demo/scoped-urls", null, 200),
            new Probe("GET", "/.well-known/oauth-protected-resource/mcp", null, 404),   // no OAuth in this mode
            new Probe("POST", "/mcp", INITIALIZE, 200),
            new Probe("POST", "/mcp/u/not-a-token", INITIALIZE, 401),
            new Probe("GET", "/no-such-path", null, 404));

    private String request(Probe probe, Map<String, String> headers) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (probe.body() != null) {
            all.put("Content-Type", "application/json");
            all.put("Accept", ACCEPT_BOTH);
        }
        return RawHttp.exchange(port, probe.method(), probe.path(), all, probe.body());
    }

    @Test
    void everyPathKeepsRebindingHostsAndForeignOriginsOut() throws Exception {
        String loopbackHost = "127.0.0.1:" + port;
        Map<String, Map<String, String>> senders = new LinkedHashMap<>();
        senders.put("allowed Host", Map.of("Host", loopbackHost));
        senders.put("allowed Host and Origin", Map.of("Host", loopbackHost, "Origin", "http://localhost:6274"));
        senders.put("rebinding Host", Map.of("Host", "evil.example.com"));
        senders.put("rebinding Host with port", Map.of("Host", "attacker.example:" + port));
        senders.put("foreign Origin", Map.of("Host", loopbackHost, "Origin", "http://evil.example.com"));
        senders.put("opaque Origin", Map.of("Host", loopbackHost, "Origin", "null"));

        List<String> failures = new ArrayList<>();
        for (Probe probe : PROBES) {
            for (Map.Entry<String, Map<String, String>> sender : senders.entrySet()) {
                boolean allowed = sender.getKey().startsWith("allowed");
                String raw = request(probe, sender.getValue());
                int status = RawHttp.status(raw);
                int expected = allowed ? probe.allowedStatus() : 403;
                if (status != expected) {
                    failures.add(probe.method() + " " + probe.path() + " [" + sender.getKey() + "] -> " + status
                            + ", expected " + expected);
                }
                if (!allowed) {
                    String body = RawHttp.body(raw);
                    assertThat(body).as(probe.path()).contains("Forbidden").doesNotContain("routeId", "acme",
                            "Exception", "mcp-session-id");
                    assertThat(raw).as(probe.path()).containsIgnoringCase("content-type: application/json")
                            .doesNotContainIgnoringCase("mcp-session-id:");
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void mcpPathsAnswerAJsonRpcErrorAndOthersTheAdminErrorShape() throws Exception {
        String mcp = RawHttp.body(request(PROBES.get(9), Map.of("Host", "evil.example.com")));
        assertThat(mcp).contains("\"jsonrpc\":\"2.0\"", "\"code\":-32000", "Host is not allowed");
        String actuator = RawHttp.body(request(PROBES.get(4), Map.of("Host", "127.0.0.1:" + port,
                "Origin", "http://evil.example.com")));
        assertThat(json(actuator).path("status").asInt()).isEqualTo(403);
        assertThat(json(actuator).path("message").asText()).isEqualTo("Forbidden: Origin is not allowed");
    }

    @Test
    void onlyTheConfiguredReadOnlyConsolesExist() throws Exception {
        DevConsoleRegistry registry = DevConsoleRegistry.get(camelContext);
        List<String> ids = registry.stream().map(DevConsole::getId).toList();
        assertThat(ids).contains("context", "route", "inflight", "jvm").doesNotContainAnyElementsOf(OperatorConsoles.UNSAFE);
        // asking for an unsafe console by id does not bring it back
        for (String unsafe : OperatorConsoles.UNSAFE) {
            assertThat(registry.resolveById(unsafe)).as(unsafe).isNull();
        }
        String all = RawHttp.body(RawHttp.exchange(port, "GET", "/actuator/camel/all", Map.of("Host", "127.0.0.1:" + port), null));
        assertThat(all).contains("\"route\"").doesNotContain("java.home", "\"system-properties\"", "\"debug\"");
    }

    @Test
    void operatorsSeeTheRateLimitKeysAndBreakersInTheConsoleAndAsMetrics() throws Exception {
        // a Databricks call makes the keys of the default workspace
        RawHttp.exchange(port, "POST", "/mcp", Map.of("Host", "127.0.0.1:" + port, "Content-Type", "application/json",
                "Accept", ACCEPT_BOTH), INITIALIZE);
        dev.lakehouse.gateway.support.McpTestClients.call(dev.lakehouse.gateway.support.McpTestClients.plain(port, null),
                "list_catalogs", Map.of());
        String console = RawHttp.body(RawHttp.exchange(port, "GET", "/actuator/camel/rate-limits",
                Map.of("Host", "127.0.0.1:" + port), null));
        assertThat(console).contains("\"family\":\"unity-catalog\"", "\"learnedRate\"", "\"queued\"", "\"breakers\"",
                "databricks-upstream-");
        String metric = RawHttp.body(RawHttp.exchange(port, "GET", "/actuator/metrics/gateway.upstream.released",
                Map.of("Host", "127.0.0.1:" + port), null));
        assertThat(metric).contains("\"name\":\"gateway.upstream.released\"", "\"family\"", "unity-catalog");
        var jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        var names = jmx.queryNames(new javax.management.ObjectName("dev.lakehouse.gateway:type=UpstreamLimit,*"), null);
        assertThat(names).anyMatch(n -> "unity-catalog".equals(n.getKeyProperty("family")));
        var name = names.stream().filter(n -> "unity-catalog".equals(n.getKeyProperty("family"))).findFirst().orElseThrow();
        assertThat(((Number) jmx.getAttribute(name, "Released")).longValue()).isPositive();
    }
}
