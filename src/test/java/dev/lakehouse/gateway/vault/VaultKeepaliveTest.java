package dev.lakehouse.gateway.vault;

import static dev.lakehouse.gateway.vault.VaultTesting.admin;
import static dev.lakehouse.gateway.vault.VaultTesting.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.GatewayApplication;
import dev.lakehouse.gateway.databricks.EmulatorAdmin;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * An idle U2M grant on a clock the test moves by days: it is not refreshed every few seconds while nobody uses it, but
 * its refresh token is exercised before it lapses (keep-alive), and a rotated refresh token starts a new life.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"conformance", "test"})
@TestPropertySource(properties = "spring.datasource.url=jdbc:h2:mem:vault-keepalive;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
        + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH")
@Import(VaultKeepaliveTest.MovableClock.class)
class VaultKeepaliveTest {

    /** The vault's clock in this test: the system's, moved forward by what the test says. */
    @TestConfiguration
    static class MovableClock {
        static volatile Duration offset = Duration.ZERO;

        @Bean
        @Primary
        Clock movableVaultClock() {
            return new Clock() {
                @Override
                public ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return Instant.now().plus(offset);
                }
            };
        }
    }

    private static final long TEN_DAYS = Duration.ofDays(10).toSeconds();

    @LocalServerPort
    int port;
    @Autowired
    Environment environment;
    @Autowired
    ConnectionVault vault;
    @Autowired
    WorkspaceOAuth oauth;
    @Autowired
    GrantTokens grantTokens;
    @Autowired
    ConnectionRepository repository;

    @Test
    void anIdleGrantIsOnlyKeptAliveBeforeItsRefreshTokenLapses() throws Exception {
        String workspace = environment.getProperty("emulator.url.acme").replaceAll("/+$", "");
        EmulatorAdmin emulator = EmulatorAdmin.at(workspace);
        emulator.call("PUT", "/oauth", map("refresh_token_lifetime_seconds", TEN_DAYS, "rotate_refresh_tokens", true));
        try {
            JsonNode app = emulator.call("POST", "/oauth-apps", map("redirect_uris", List.of(VaultTesting.REDIRECT)));
            HttpResponse<String> created = admin(port, "POST", "/tenants/demo/connections", map("name", "idle",
                    "host", workspace, "auth", "oauth-u2m", "grant", "shared", "client_id", app.path("client_id").asText(),
                    "client_secret", app.path("client_secret").asText(), "refresh_token_ttl_seconds", TEN_DAYS), null);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            VaultConnection c = vault.connection("demo", "idle").orElseThrow();
            String[] code = VaultTesting.signIn(workspace, c.clientId(), "alice@acme.example", "acme-password");
            WorkspaceOAuth.Tokens tokens = oauth.authorizationCode(workspace, c.clientId(), app.path("client_secret").asText(),
                    code[0], code[1], VaultTesting.REDIRECT);
            VaultGrant stored = vault.storeGrant(c, null, tokens, oauth.me(workspace, tokens.accessToken()));
            Instant keepalive = stored.keepaliveDueAt();
            assertThat(keepalive).as("ten-day refresh token, kept alive two days before it lapses")
                    .isCloseTo(stored.refreshExpiresAt().minus(Duration.ofDays(2)), within());

            // nobody uses it: past its access token's refresh point it is deferred to the keep-alive, not refreshed
            long before = refreshRequests(emulator);
            MovableClock.offset = Duration.ofMinutes(10);
            grantTokens.scan(Instant.now().plus(MovableClock.offset));
            VaultGrant deferred = repository.grant(stored.id()).orElseThrow();
            assertThat(deferred.refreshDueAt()).isCloseTo(keepalive, within());
            Thread.sleep(1000);   // background scans run meanwhile: they find nothing due either
            assertThat(refreshRequests(emulator)).isEqualTo(before);

            // eight days later the keep-alive exercises the refresh token; the rotated one lives ten days again
            MovableClock.offset = Duration.ofDays(8).plusMinutes(1);
            Instant now = Instant.now().plus(MovableClock.offset);
            grantTokens.scan(now);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> refreshRequests(emulator) == before + 1);
            VaultGrant alive = repository.grant(stored.id()).orElseThrow();
            assertThat(alive.status()).isEqualTo(ConnectionStatus.ACTIVE);
            assertThat(alive.refreshExpiresAt()).isAfter(now.plus(Duration.ofDays(9)));
            assertThat(alive.keepaliveDueAt()).isAfter(now.plus(Duration.ofDays(7)));
            assertThat(alive.lastUsedAt()).as("a keep-alive is not a use").isNull();
        } finally {
            MovableClock.offset = Duration.ZERO;
            emulator.call("DELETE", "/oauth", null);
        }
    }

    private static long refreshRequests(EmulatorAdmin emulator) {
        return emulator.requests().path("token_requests").path("refresh_token").asLong();
    }

    private static org.assertj.core.data.TemporalUnitOffset within() {
        return org.assertj.core.api.Assertions.within(2, java.time.temporal.ChronoUnit.SECONDS);
    }
}
