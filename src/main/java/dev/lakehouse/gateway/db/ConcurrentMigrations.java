package dev.lakehouse.gateway.db;

import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Replicas that start together on a new database race to create Flyway's history table: Flyway migrates under a
 * PostgreSQL advisory lock, but the baseline of an existing schema ({@code baseline-on-migrate}) is not taken under
 * it, so the loser sees the table "already exists, and is empty" and fails. A second attempt finds the winner's
 * history and has nothing (or the rest) to do, under the lock.
 */
@Configuration(proxyBeanMethods = false)
public class ConcurrentMigrations {

    private static final Logger LOG = LoggerFactory.getLogger(ConcurrentMigrations.class);

    @Bean
    public FlywayMigrationStrategy migrateAgainWhenAnotherReplicaWonTheRace(
            @Value("${gateway.db.migration-attempts}") int attempts,
            @Value("${gateway.db.migration-retry-delay}") java.time.Duration delay) {
        return flyway -> {
            for (int attempt = 1; ; attempt++) {
                try {
                    flyway.migrate();
                    return;
                } catch (FlywayException e) {
                    if (attempt >= attempts) {
                        throw e;
                    }
                    LOG.info("schema migration attempt {} of {} met another replica's migration ({}); trying again",
                            attempt, attempts, e.getMessage().lines().findFirst().orElse(""));
                    try {
                        Thread.sleep(delay.toMillis());
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        };
    }
}
