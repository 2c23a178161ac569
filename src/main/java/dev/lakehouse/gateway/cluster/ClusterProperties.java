package dev.lakehouse.gateway.cluster;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Replication knobs; every value is set (and commented) in application.properties. */
@ConfigurationProperties(prefix = "gateway.cluster")
public record ClusterProperties(
        String redisUrl,
        String replicaId,
        Duration redisTimeout,
        boolean sessionsFailOpen,
        boolean rateLimitsFailOpen,
        Duration quotaSyncInterval) {
}
