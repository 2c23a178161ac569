package dev.lakehouse.gateway.ops;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.lakehouse.gateway.ratelimit.ApiFamily;
import dev.lakehouse.gateway.ratelimit.UpstreamGovernor;
import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Every attempt of a Databricks REST call, as a Micrometer timer {@code gateway.databricks.calls} tagged tenant,
 * workspace (host), API family and status ({@code 0}: no answer). Labels are bounded: tenants and workspaces are
 * configured connections, families and statuses fixed sets; never a path, statement id or user.
 */
@Component("upstreamCallMetrics")
public class UpstreamCallMetrics {

    /** Variable set when an attempt is sent: its start, for the latency. */
    public static final String ATTEMPT_STARTED = "dbAttemptStartedNanos";

    private final MeterRegistry registry;
    /** Meters are looked up here, not built per call (a registration runs the meter filters each time). */
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    private record Key(String tenant, String workspace, String family, int status) {
    }

    private Timer timer(Key key) {
        return Timer.builder("gateway.databricks.calls")
                .description("attempts of Databricks REST calls, by tenant, workspace, API family and status")
                .tag("tenant", key.tenant()).tag("workspace", key.workspace()).tag("family", key.family())
                .tag("status", Integer.toString(key.status()))
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
    }

    public UpstreamCallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Route step before the HTTP call of one attempt. */
    public void started(Exchange exchange) {
        exchange.setVariable(ATTEMPT_STARTED, System.nanoTime());
    }

    /** Route step after the attempt was answered (or not): one sample. */
    public void answered(Exchange exchange) {
        Long started = exchange.getVariable(ATTEMPT_STARTED, Long.class);
        WorkspaceConnection connection = exchange.getVariable("connection", WorkspaceConnection.class);
        if (started == null || connection == null) {
            return;
        }
        int status = exchange.getVariable("dbStatus", 0, Integer.class);
        timers.computeIfAbsent(new Key(connection.tenant(), UpstreamGovernor.hostOf(connection.baseUrl()),
                        ApiFamily.ofCall(exchange).key(), status), this::timer)
                .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        exchange.removeVariable(ATTEMPT_STARTED);
    }
}
