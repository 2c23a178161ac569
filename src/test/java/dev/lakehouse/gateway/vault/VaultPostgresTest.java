package dev.lakehouse.gateway.vault;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The vault on the machine's PostgreSQL (127.0.0.1:5432, the production store), in a throwaway database. CI machines
 * run PostgreSQL; where it is absent the class is skipped and says why.
 */
class VaultPostgresTest extends VaultLifecycleContract {

    @BeforeAll
    static void needsPostgres() {
        Assumptions.assumeTrue(VaultTesting.postgresReachable(), "no PostgreSQL on 127.0.0.1:5432 (user postgres)");
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        if (VaultTesting.postgresReachable()) {
            String url = VaultTesting.freshPostgresDatabase("vaulttest");
            registry.add("spring.datasource.url", () -> url);
            registry.add("spring.datasource.username", () -> "postgres");
            registry.add("spring.datasource.password", () -> "");
        }
    }
}
