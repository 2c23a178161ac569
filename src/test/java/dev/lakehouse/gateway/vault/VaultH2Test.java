package dev.lakehouse.gateway.vault;

import org.springframework.test.context.TestPropertySource;

/** The vault on H2 (the embedded default store), in a database of its own. */
@TestPropertySource(properties = "spring.datasource.url=jdbc:h2:mem:vault-h2;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
        + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH")
class VaultH2Test extends VaultLifecycleContract {
}
