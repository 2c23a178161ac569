package dev.lakehouse.gateway.ops;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.lakehouse.gateway.cluster.ClusterBus;
import dev.lakehouse.gateway.cluster.RedisBus;
import dev.lakehouse.gateway.identity.IdentityProperties;
import dev.lakehouse.gateway.mcp.StartupGate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the health endpoint knows beyond Spring's own (db, diskSpace) and Camel's: whether /mcp serves ({@code mcp},
 * in the readiness group with readinessState), whether the OAuth issuers answer ({@code identityProvider}, when
 * OAuth is on) and whether Redis is reached ({@code redis}, with replicas). A dead Keycloak, database or Redis turns
 * /actuator/health DOWN and shows which, while liveness (livenessState only) stays UP: restarting the gateway would
 * not bring them back, and the gateway keeps serving what it can (cached JWKS, its fallbacks).
 */
@Configuration(proxyBeanMethods = false)
public class GatewayHealth {

    @Bean("mcpHealthIndicator")
    HealthIndicator mcp(StartupGate gate) {
        return () -> gate.isReady() ? Health.up().build()
                : Health.outOfService().withDetail("reason", "routes starting").build();
    }

    @Bean("identityProviderHealthIndicator")
    HealthIndicator identityProvider(IdentityProperties identity,
            @Value("${gateway.observability.issuer-check-timeout}") Duration timeout,
            @Value("${gateway.observability.issuer-check-every}") Duration every) {
        return new IssuerHealth(identity, timeout, every);
    }

    @Bean("redisHealthIndicator")
    HealthIndicator redis(ClusterBus bus) {
        return () -> {
            if (!(bus instanceof RedisBus redis)) {
                return Health.up().withDetail("shared", false).build();
            }
            return (redis.connected() ? Health.up() : Health.down().withDetail("reason", "Redis not reached"))
                    .withDetail("shared", true).build();
        };
    }

    /**
     * Each trusted issuer's discovery document, fetched at most once per {@code every} (probes come often; Keycloak
     * should not pay for them), with a short timeout. Unauthenticated mode: UP, no issuer.
     */
    static final class IssuerHealth implements HealthIndicator {
        private final IdentityProperties identity;
        private final Duration timeout;
        private final long everyNanos;
        private final HttpClient http;
        private volatile Health last;
        private volatile long checkedAt;

        IssuerHealth(IdentityProperties identity, Duration timeout, Duration every) {
            this.identity = identity;
            this.timeout = timeout;
            this.everyNanos = every.toNanos();
            this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        }

        @Override
        public Health health() {
            if (!identity.oauthEnabled()) {
                return Health.up().withDetail("oauth", false).build();
            }
            long now = System.nanoTime();
            Health cached = last;
            if (cached != null && now - checkedAt < everyNanos) {
                return cached;
            }
            Map<String, Object> issuers = new LinkedHashMap<>();
            boolean allUp = true;
            for (String issuer : identity.issuers()) {
                String state;
                try {
                    HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(
                                    URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration"))
                            .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.discarding());
                    state = answer.statusCode() == 200 ? "UP" : "DOWN (HTTP " + answer.statusCode() + ")";
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    state = "DOWN (interrupted)";
                } catch (Exception e) {
                    state = "DOWN (" + e.getClass().getSimpleName() + ")";
                }
                allUp &= state.equals("UP");
                issuers.put(issuer, state);
            }
            Health health = (allUp ? Health.up() : Health.down()).withDetail("issuers", issuers).build();
            last = health;
            checkedAt = now;
            return health;
        }
    }
}
