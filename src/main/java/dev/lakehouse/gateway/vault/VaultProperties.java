package dev.lakehouse.gateway.vault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The connection vault: master keys that wrap each connection's data key, and the token lifecycle.
 * <pre>
 * gateway.vault.master-keys.m2026a=&lt;base64 of 32 random bytes&gt;   (openssl rand -base64 32)
 * gateway.vault.active-key=m2026a
 * </pre>
 *
 * @param masterKeys          key id -> base64 AES-256 key; older ids stay readable until their line is removed
 * @param activeKey           the key id that wraps new and re-wrapped data keys (may be omitted with one key)
 * @param requireKey          refuse to start without a configured master key (the prod profile sets it)
 * @param generatedKeyFile    without keys (quick start): where a generated key is kept, so secrets survive restarts
 * @param refreshMargin       a token is refreshed at expiry - max(refresh-margin, refresh-fraction × lifetime)
 * @param refreshFraction     see refresh-margin
 * @param refreshJitter       refreshes are spread by up to this much earlier, so replicas and grants do not align
 * @param refreshScanInterval how often the background refresher looks for grants due
 * @param leaseDuration       how long one instance may hold a grant's refresh lease (longer than a token request)
 * @param leaseWait           how long a call waits for another instance's refresh before giving up
 * @param expiredSkew         a token this close to its expiry is not sent any more (the call refreshes first)
 * @param degradedBackoff     first wait after a passing refresh failure; doubles per failure up to degraded-backoff-max
 * @param degradedBackoffMax  see degraded-backoff
 * @param idleAfter           a grant unused this long is idle: only its refresh token is kept alive
 * @param keepaliveMargin     an idle grant's refresh token is exercised this long before it lapses
 * @param expiryWarning       a known hard expiry this close raises one expiring_soon event
 * @param cacheTtl            connection records are re-read after this long (status changes of other replicas)
 * @param maxConnectionsPerTenant most vault connections one tenant may hold
 * @param allowedHosts        workspace hosts a connection may point at ({@code *.suffix}, {@code host:*} any port,
 *                            {@code emulator:*}); plain http only for loopback hosts
 * @param defaultRefreshTokenLifetime U2M refresh token lifetime when the connection names none (Databricks: up to 90 days)
 * @param hostOverrides       {@code host=base-url} pairs: a connection to that workspace host sends its requests to the
 *                            base URL instead (private link, a proxy, or the emulator standing in for a cloud's host);
 *                            the host keeps deciding the cloud
 */
@ConfigurationProperties(prefix = "gateway.vault")
public record VaultProperties(Map<String, String> masterKeys, String activeKey, boolean requireKey, Path generatedKeyFile,
        Duration refreshMargin, double refreshFraction, Duration refreshJitter, Duration refreshScanInterval,
        Duration leaseDuration, Duration leaseWait, Duration expiredSkew, Duration degradedBackoff,
        Duration degradedBackoffMax, Duration idleAfter, Duration keepaliveMargin, Duration expiryWarning,
        Duration cacheTtl, int maxConnectionsPerTenant, java.util.List<String> allowedHosts,
        Duration defaultRefreshTokenLifetime, java.util.List<String> hostOverrides) {

    public VaultProperties {
        masterKeys = masterKeys == null ? Map.of() : new LinkedHashMap<>(masterKeys);
        activeKey = activeKey == null || activeKey.isBlank() ? null : activeKey.trim();
        generatedKeyFile = generatedKeyFile == null ? Path.of("data", "vault-master.key") : generatedKeyFile;
        refreshMargin = orDefault(refreshMargin, Duration.ofMinutes(5));
        refreshFraction = refreshFraction <= 0 || refreshFraction >= 1 ? 0.2 : refreshFraction;
        refreshJitter = orDefault(refreshJitter, Duration.ofSeconds(30));
        refreshScanInterval = orDefault(refreshScanInterval, Duration.ofSeconds(5));
        leaseDuration = orDefault(leaseDuration, Duration.ofSeconds(30));
        leaseWait = orDefault(leaseWait, Duration.ofSeconds(20));
        expiredSkew = orDefault(expiredSkew, Duration.ofSeconds(30));
        degradedBackoff = orDefault(degradedBackoff, Duration.ofSeconds(5));
        degradedBackoffMax = orDefault(degradedBackoffMax, Duration.ofMinutes(5));
        idleAfter = orDefault(idleAfter, Duration.ofHours(1));
        keepaliveMargin = orDefault(keepaliveMargin, Duration.ofDays(2));
        expiryWarning = orDefault(expiryWarning, Duration.ofDays(14));
        cacheTtl = orDefault(cacheTtl, Duration.ofSeconds(2));
        maxConnectionsPerTenant = maxConnectionsPerTenant <= 0 ? 50 : maxConnectionsPerTenant;
        allowedHosts = allowedHosts == null ? java.util.List.of() : java.util.List.copyOf(allowedHosts);
        defaultRefreshTokenLifetime = orDefault(defaultRefreshTokenLifetime, Duration.ofDays(90));
        hostOverrides = hostOverrides == null ? java.util.List.of() : java.util.List.copyOf(hostOverrides);
    }

    private static Duration orDefault(Duration value, Duration fallback) {
        return value == null || value.isNegative() ? fallback : value;
    }
}
