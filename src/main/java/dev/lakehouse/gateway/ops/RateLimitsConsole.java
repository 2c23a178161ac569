package dev.lakehouse.gateway.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lakehouse.gateway.databricks.UpstreamRoutes;
import dev.lakehouse.gateway.ratelimit.UpstreamGovernor;
import dev.lakehouse.gateway.ratelimit.UpstreamLimit;
import org.apache.camel.Route;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.support.console.AbstractDevConsole;
import org.springframework.stereotype.Component;

/**
 * Camel developer console {@code rate-limits} (/actuator/camel/rate-limits, JMX-free view for operators): every
 * (workspace, API family) key with its configured, learned and paced rate, queue, pause, counts and waits, and the
 * circuit breaker state of every workspace route. Metadata only.
 */
@Component("rate-limits")
public class RateLimitsConsole extends AbstractDevConsole {

    private final UpstreamGovernor governor;

    public RateLimitsConsole(UpstreamGovernor governor) {
        super("gateway", "rate-limits", "Rate limits", "Upstream rate limits per workspace and API family, and breakers");
        this.governor = governor;
    }

    @Override
    protected Map<String, Object> doCallJson(Map<String, Object> options) {
        Map<String, Object> root = new LinkedHashMap<>();
        List<Object> keys = new ArrayList<>();
        governor.limits().forEach(limit -> keys.add(keyJson(limit.snapshot())));
        root.put("keys", keys);
        root.put("breakers", breakers());
        return root;
    }

    private static Map<String, Object> keyJson(UpstreamLimit.Snapshot s) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("workspace", s.host());
        key.put("family", s.family());
        key.put("policy", s.policy());
        key.put("configuredRate", s.configuredRate());
        key.put("learnedRate", s.learnedRate());
        key.put("pace", s.pace());
        key.put("queued", s.queued());
        key.put("pausedMs", s.pausedMs());
        key.put("released", s.released());
        key.put("upstream429s", s.upstream429s());
        key.put("rejected", s.rejected());
        key.put("pauses", s.pauses());
        key.put("waited", s.waited());
        key.put("longestWaitMs", s.waitedMsMax());
        return key;
    }

    /** route id of each workspace's upstream route → its circuit breaker state (CLOSED, OPEN, HALF_OPEN). */
    private Map<String, Object> breakers() {
        Map<String, Object> states = new LinkedHashMap<>();
        for (Route route : getCamelContext().getRoutes()) {
            if (route.getRouteId().startsWith("databricks-upstream-")) {
                ResilienceProcessor breaker = UpstreamRoutes.breakerOf(route);
                if (breaker != null) {
                    states.put(route.getRouteId(), breaker.getCircuitBreakerState());
                }
            }
        }
        return states;
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        StringBuilder text = new StringBuilder();
        for (UpstreamLimit limit : governor.limits()) {
            UpstreamLimit.Snapshot s = limit.snapshot();
            text.append(String.format("%n    %s %s (%s): limit %.1f/s (configured %.1f), pace %.1f/s, queued %d, paused %d ms, "
                            + "released %d, upstream 429s %d, rejected %d, pauses %d, longest wait %d ms", s.host(), s.family(),
                    s.policy(), s.learnedRate(), s.configuredRate(), s.pace(), s.queued(), s.pausedMs(), s.released(),
                    s.upstream429s(), s.rejected(), s.pauses(), s.waitedMsMax()));
        }
        breakers().forEach((route, state) -> text.append(String.format("%n    breaker %s: %s", route, state)));
        return text.toString();
    }
}
