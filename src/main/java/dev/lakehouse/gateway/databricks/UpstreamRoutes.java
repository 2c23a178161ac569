package dev.lakehouse.gateway.databricks;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * One upstream route per workspace, made from route template {@code databricks-upstream} on the workspace's first
 * call: each has its own Resilience4j circuit breaker and bulkhead (the Camel EIP keeps one breaker per route), so a
 * failing workspace is cut off without touching the others. Route ids are {@code databricks-upstream-<host>}.
 */
@Component("upstreamRoutes")
public class UpstreamRoutes {

    static final String TEMPLATE = "databricks-upstream";

    private final CamelContext camelContext;
    private final long openStateSeconds;
    private final Map<String, String> endpoints = new ConcurrentHashMap<>();

    public UpstreamRoutes(CamelContext camelContext,
            @Value("${gateway.upstream.breaker.wait-in-open-state-seconds:30}") long openStateSeconds) {
        this.camelContext = camelContext;
        this.openStateSeconds = openStateSeconds;
    }

    /** Sets variable {@code dbUpstream} to the endpoint of this call's workspace route, creating the route once. */
    public void select(Exchange exchange) {
        WorkspaceConnection connection = exchange.getVariable("connection", WorkspaceConnection.class);
        String key = routeKey(connection.baseUrl());
        exchange.setVariable("dbUpstream", endpoints.computeIfAbsent(key, this::create));
    }

    private String create(String key) {
        try {
            // the node ids get the workspace as prefix: the EIP's breaker and bulkhead are registered by node id
            TemplatedRouteBuilder.builder(camelContext, TEMPLATE).routeId(TEMPLATE + "-" + key).prefixId(key + "-")
                    .parameter("workspace", key).add();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the upstream route of workspace " + key, e);
        }
        return "direct:" + TEMPLATE + "-" + key;
    }

    /** host and port as a route-id-safe word: {@code adb-123.4.azuredatabricks.net} → {@code adb-123-4-azuredatabricks-net}. */
    static String routeKey(String baseUrl) {
        java.net.URI uri = java.net.URI.create(baseUrl);
        String authority = uri.getHost() == null ? baseUrl : uri.getHost() + (uri.getPort() > 0 ? "-" + uri.getPort() : "");
        return authority.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    public long openStateSeconds() {
        return openStateSeconds;
    }
}
