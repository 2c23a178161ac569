package dev.lakehouse.gateway.ratelimit;

import dev.lakehouse.gateway.cluster.SharedBuckets;

import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import org.springframework.stereotype.Component;

/**
 * The limiters of every (workspace host, API family) key this gateway has called. A key is created on first use with
 * the settings of the connection that used it (family defaults overridden by the connection's own); Databricks
 * counts per workspace, so tenants that share a workspace share its keys.
 */
@Component("upstreamGovernor")
public class UpstreamGovernor {

    private final RateLimitProperties properties;
    private final Map<ApiFamily, RateLimitProperties.Family> defaults;
    private final Continuations continuations;
    private final Map<String, UpstreamLimit> limits = new ConcurrentHashMap<>();
    private final List<KeyListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Told when a key is made and when keys are forgotten (metrics, JMX). */
    public interface KeyListener {
        void created(UpstreamLimit limit);

        void forgotten(Collection<UpstreamLimit> limits);
    }

    public void listen(KeyListener listener) {
        listeners.add(listener);
        limits.values().forEach(listener::created);
    }

    private final SharedBuckets sharedBuckets;

    public UpstreamGovernor(RateLimitProperties properties, Continuations continuations, SharedBuckets sharedBuckets) {
        this.sharedBuckets = sharedBuckets;
        this.properties = properties;
        this.defaults = properties.byFamily();
        this.continuations = continuations;
    }

    public RateLimitProperties properties() {
        return properties;
    }

    public UpstreamLimit limitFor(WorkspaceConnection connection, ApiFamily family) {
        String host = hostOf(connection.baseUrl());
        String key = host + " " + family.key();
        UpstreamLimit existing = limits.get(key);
        if (existing != null) {
            return existing;
        }
        boolean[] made = {false};
        UpstreamLimit limit = limits.computeIfAbsent(key, k -> {
            made[0] = true;
            return new UpstreamLimit(host, family, settingsFor(connection, family), properties, System::nanoTime,
                    continuations, sharedBuckets);
        });
        if (made[0]) {
            listeners.forEach(listener -> listener.created(limit));
        }
        return limit;
    }

    /** The family defaults, then the connection's policy, then its own settings for the family. */
    RateLimitProperties.Family settingsFor(WorkspaceConnection connection, ApiFamily family) {
        RateLimitProperties.Family settings = defaults.get(family);
        if (connection.rateLimitPolicy() != null) {
            settings = settings.overriddenBy(new RateLimitProperties.Family(null, null, connection.rateLimitPolicy()));
        }
        return settings.overriddenBy(connection.rateLimits().get(family));
    }

    /** host[:port] of a workspace URL, lower case: the key that Databricks counts by. */
    public static String hostOf(String baseUrl) {
        URI uri = URI.create(baseUrl);
        String host = uri.getHost() == null ? baseUrl : uri.getHost().toLowerCase(Locale.ROOT);
        return uri.getPort() > 0 ? host + ":" + uri.getPort() : host;
    }

    public Collection<UpstreamLimit> limits() {
        return List.copyOf(limits.values());
    }

    /**
     * Forgets every key (learned rates, pauses, counters): the next call of each key starts from the configuration.
     * An operator action (JMX); calls already waiting finish on the old keys.
     */
    public void reset() {
        List<UpstreamLimit> forgotten = List.copyOf(limits.values());
        limits.clear();
        listeners.forEach(listener -> listener.forgotten(forgotten));
    }
}
