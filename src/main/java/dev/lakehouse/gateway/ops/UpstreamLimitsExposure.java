package dev.lakehouse.gateway.ops;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import dev.lakehouse.gateway.ratelimit.UpstreamGovernor;
import dev.lakehouse.gateway.ratelimit.UpstreamLimit;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What operators see of every (workspace, API family) key: Micrometer meters ({@code gateway.upstream.*}, tagged
 * workspace host and family; /actuator/metrics) and one MXBean per key
 * ({@code dev.lakehouse.gateway:type=UpstreamLimit,workspace=...,family=...}), made when the key is. Only metadata:
 * rates, counts, waits. The Camel console {@code rate-limits} shows the same with the breakers' states.
 */
@Component
public class UpstreamLimitsExposure implements UpstreamGovernor.KeyListener {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamLimitsExposure.class);

    private final MeterRegistry registry;
    private final MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
    private final Map<UpstreamLimit, List<Meter>> meters = new ConcurrentHashMap<>();

    public UpstreamLimitsExposure(MeterRegistry registry, UpstreamGovernor governor) {
        this.registry = registry;
        governor.listen(this);
    }

    @Override
    public void created(UpstreamLimit limit) {
        Tags tags = Tags.of("workspace", limit.host(), "family", limit.family().key());
        meters.put(limit, List.of(
                Gauge.builder("gateway.upstream.rate", limit, l -> l.snapshot().learnedRate()).tags(tags)
                        .description("the limit the gateway believes the workspace has (learned from 429s), requests/s")
                        .register(registry),
                Gauge.builder("gateway.upstream.pace", limit, UpstreamLimit::pace).tags(tags)
                        .description("calls per second the gateway lets through").register(registry),
                Gauge.builder("gateway.upstream.queued", limit, l -> l.snapshot().queued()).tags(tags)
                        .description("calls waiting for their turn").register(registry),
                Gauge.builder("gateway.upstream.paused", limit, l -> l.snapshot().pausedMs() / 1000.0).tags(tags)
                        .description("seconds the key stays paused (Retry-After)").baseUnit("seconds").register(registry),
                FunctionCounter.builder("gateway.upstream.released", limit, l -> l.snapshot().released()).tags(tags)
                        .description("calls let through to the workspace").register(registry),
                FunctionCounter.builder("gateway.upstream.throttled", limit, l -> l.snapshot().upstream429s()).tags(tags)
                        .description("429 answers of the workspace").register(registry),
                FunctionCounter.builder("gateway.upstream.rejected", limit, l -> l.snapshot().rejected()).tags(tags)
                        .description("calls the gateway answered with when to come back").register(registry),
                FunctionCounter.builder("gateway.upstream.pauses", limit, l -> l.snapshot().pauses()).tags(tags)
                        .description("pauses imposed by Retry-After").register(registry),
                FunctionTimer.builder("gateway.upstream.wait", limit, l -> l.snapshot().waited(),
                                l -> l.snapshot().waitedMsTotal(), TimeUnit.MILLISECONDS).tags(tags)
                        .description("time calls waited for their turn").register(registry)));
        try {
            jmx.registerMBean(new Bean(limit), name(limit));
        } catch (JMException e) {
            LOG.warn("JMX bean of rate-limit key {} {} not registered: {}", limit.host(), limit.family().key(), e.toString());
        }
    }

    @Override
    public void forgotten(Collection<UpstreamLimit> limits) {
        for (UpstreamLimit limit : limits) {
            List<Meter> gone = meters.remove(limit);
            if (gone != null) {
                gone.forEach(registry::remove);
            }
            try {
                jmx.unregisterMBean(name(limit));
            } catch (JMException e) {
                LOG.debug("JMX bean of {} {} already gone", limit.host(), limit.family().key());
            }
        }
    }

    static ObjectName name(UpstreamLimit limit) throws JMException {
        return new ObjectName("dev.lakehouse.gateway:type=UpstreamLimit,workspace=" + ObjectName.quote(limit.host())
                + ",family=" + limit.family().key());
    }

    /** The JMX view of one key (read-only attributes). */
    public interface UpstreamLimitMXBean {
        String getPolicy();

        double getConfiguredRate();

        double getLearnedRate();

        double getPace();

        int getQueued();

        long getPausedMillis();

        long getReleased();

        long getUpstream429s();

        long getRejected();

        long getPauses();

        long getWaitedCalls();

        long getLongestWaitMillis();
    }

    record Bean(UpstreamLimit limit) implements UpstreamLimitMXBean {
        public String getPolicy() {
            return limit.snapshot().policy();
        }

        public double getConfiguredRate() {
            return limit.snapshot().configuredRate();
        }

        public double getLearnedRate() {
            return limit.snapshot().learnedRate();
        }

        public double getPace() {
            return limit.pace();
        }

        public int getQueued() {
            return limit.snapshot().queued();
        }

        public long getPausedMillis() {
            return limit.snapshot().pausedMs();
        }

        public long getReleased() {
            return limit.snapshot().released();
        }

        public long getUpstream429s() {
            return limit.snapshot().upstream429s();
        }

        public long getRejected() {
            return limit.snapshot().rejected();
        }

        public long getPauses() {
            return limit.snapshot().pauses();
        }

        public long getWaitedCalls() {
            return limit.snapshot().waited();
        }

        public long getLongestWaitMillis() {
            return limit.snapshot().waitedMsMax();
        }
    }
}
