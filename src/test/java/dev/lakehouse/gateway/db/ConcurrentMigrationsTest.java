package dev.lakehouse.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;

/**
 * Replicas starting together on a new database (the machine's PostgreSQL, an empty schema of this test's own): each
 * "replica" migrates through the gateway's strategy at the same instant, several rounds; every one of them starts, and
 * each migration is applied once. Without the strategy the loser of the
 * race to create the history table fails ("already exists, and is empty"), as ReplicasTest once saw.
 */
class ConcurrentMigrationsTest {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final int REPLICAS = 5;
    private static final int ROUNDS = 10;

    @Test
    void replicasMigratingAtOnceAllStartOnOneMigratedSchema() throws Exception {
        FlywayMigrationStrategy strategy = new ConcurrentMigrations()
                .migrateAgainWhenAnotherReplicaWonTheRace(5, Duration.ofMillis(300));
        ExecutorService replicas = Executors.newFixedThreadPool(REPLICAS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String schema = "migration_race_" + round;
                try (Connection c = DriverManager.getConnection(URL, "postgres", "")) {
                    c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                    c.createStatement().execute("CREATE SCHEMA " + schema);
                }
                CyclicBarrier together = new CyclicBarrier(REPLICAS);
                List<Future<?>> started = new ArrayList<>();
                for (int r = 0; r < REPLICAS; r++) {
                    started.add(replicas.submit(() -> {
                        Flyway flyway = Flyway.configure().dataSource(URL, "postgres", "").schemas(schema)
                                .baselineOnMigrate(true).baselineVersion("0").locations("classpath:db/migration").load();
                        together.await(30, TimeUnit.SECONDS);
                        strategy.migrate(flyway);
                        return null;
                    }));
                }
                for (Future<?> replica : started) {
                    replica.get(2, TimeUnit.MINUTES);
                }
                try (Connection c = DriverManager.getConnection(URL, "postgres", "");
                        ResultSet applied = c.createStatement().executeQuery("SELECT count(*), count(DISTINCT version) FROM "
                                + schema + ".flyway_schema_history WHERE success AND type = 'SQL'")) {
                    applied.next();
                    assertThat(applied.getInt(1)).as("each migration applied once").isEqualTo(applied.getInt(2)).isPositive();
                }
                try (Connection c = DriverManager.getConnection(URL, "postgres", "")) {
                    c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        } finally {
            replicas.shutdownNow();
        }
    }
}
