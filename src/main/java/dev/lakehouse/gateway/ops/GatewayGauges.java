package dev.lakehouse.gateway.ops;

import dev.lakehouse.gateway.mcp.CallRunner;
import dev.lakehouse.gateway.mcp.SessionRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** The MCP endpoint's load on this replica: sessions held and calls in flight (read at scrape time, no locks). */
@Component
public class GatewayGauges {

    public GatewayGauges(MeterRegistry registry, SessionRegistry sessions, CallRunner calls) {
        Gauge.builder("gateway.mcp.sessions", sessions, SessionRegistry::size)
                .description("MCP sessions held by this replica").register(registry);
        Gauge.builder("gateway.mcp.calls.in.flight", calls, CallRunner::inFlight)
                .description("MCP requests dispatched and not yet answered on this replica").register(registry);
    }
}
