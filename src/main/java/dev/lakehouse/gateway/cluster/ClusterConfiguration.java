package dev.lakehouse.gateway.cluster;

import java.security.SecureRandom;
import java.util.HexFormat;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The cluster bus: Redis when gateway.cluster.redis-url is set, else this process alone. */
@Configuration
@EnableConfigurationProperties(ClusterProperties.class)
public class ClusterConfiguration {

    @Bean
    ClusterBus clusterBus(ClusterProperties properties) {
        String replicaId = properties.replicaId() == null || properties.replicaId().isBlank()
                ? "r" + HexFormat.of().toHexDigits(new SecureRandom().nextInt())
                : properties.replicaId();
        if (!replicaId.matches("[A-Za-z0-9_-]{1,40}")) {
            throw new IllegalStateException("gateway.cluster.replica-id must be 1-40 letters, digits, '-' or '_': " + replicaId);
        }
        if (properties.redisUrl() == null || properties.redisUrl().isBlank()) {
            return new LocalBus(replicaId);
        }
        return new RedisBus(properties.redisUrl(), replicaId, properties.redisTimeout(), properties.sessionsFailOpen());
    }
}
