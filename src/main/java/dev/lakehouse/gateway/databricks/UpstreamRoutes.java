package dev.lakehouse.gateway.databricks;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.lakehouse.gateway.ratelimit.UpstreamGovernor;
import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Navigate;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * One upstream route per workspace, made from route template {@code databricks-upstream} on the workspace's first
 * call: each has its own Resilience4j circuit breaker and bulkhead (the Camel EIP keeps one breaker per route), so a
 * failing workspace is cut off without touching the others. Route ids are {@code databricks-upstream-<host>}. Each
 * breaker's state is a gauge: {@code gateway.upstream.breaker.state{workspace, state}} is 1 for the state it is in
 * (closed, open, half_open), 0 for the others.
 */
@Component("upstreamRoutes")
public class UpstreamRoutes {

    static final String TEMPLATE = "databricks-upstream";

    private static final List<String> BREAKER_STATES = List.of("CLOSED", "OPEN", "HALF_OPEN");

    private final CamelContext camelContext;
    private final MeterRegistry registry;
    private final long openStateSeconds;
    private final Map<String, String> endpoints = new ConcurrentHashMap<>();

    public UpstreamRoutes(CamelContext camelContext, MeterRegistry registry,
            @Value("${gateway.upstream.breaker.wait-in-open-state-seconds:30}") long openStateSeconds) {
        this.camelContext = camelContext;
        this.registry = registry;
        this.openStateSeconds = openStateSeconds;
    }

    /** Sets variable {@code dbUpstream} to the endpoint of this call's workspace route, creating the route once. */
    public void select(Exchange exchange) {
        WorkspaceConnection connection = exchange.getVariable("connection", WorkspaceConnection.class);
        String key = routeKey(connection.baseUrl());
        exchange.setVariable("dbUpstream", endpoints.computeIfAbsent(key, k -> create(k, connection.baseUrl())));
    }

    private String create(String key, String baseUrl) {
        String routeId = TEMPLATE + "-" + key;
        try {
            // the node ids get the workspace as prefix: the EIP's breaker and bulkhead are registered by node id
            TemplatedRouteBuilder.builder(camelContext, TEMPLATE).routeId(routeId).prefixId(key + "-")
                    .parameter("workspace", key).add();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the upstream route of workspace " + key, e);
        }
        ResilienceProcessor breaker = breakerOf(camelContext.getRoute(routeId));
        if (breaker != null) {
            for (String state : BREAKER_STATES) {
                Gauge.builder("gateway.upstream.breaker.state", breaker, b -> state.equals(b.getCircuitBreakerState()) ? 1 : 0)
                        .tags("workspace", UpstreamGovernor.hostOf(baseUrl), "state", state.toLowerCase(Locale.ROOT))
                        .description("1 for the state the workspace's circuit breaker is in").register(registry);
            }
        }
        return "direct:" + routeId;
    }

    /** The circuit breaker of a workspace's upstream route (the Resilience4j EIP in it), or null. */
    public static ResilienceProcessor breakerOf(Route route) {
        return route == null ? null : find(route.navigate());
    }

    private static ResilienceProcessor find(Navigate<Processor> navigate) {
        if (navigate == null || !navigate.hasNext()) {
            return null;
        }
        for (Processor processor : navigate.next()) {
            if (processor instanceof ResilienceProcessor breaker) {
                return breaker;
            }
            if (processor instanceof Navigate<?> nested) {
                @SuppressWarnings("unchecked")
                ResilienceProcessor found = find((Navigate<Processor>) nested);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
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
