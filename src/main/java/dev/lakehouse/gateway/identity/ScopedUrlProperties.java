package dev.lakehouse.gateway.identity;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Scoped MCP URLs ({@code /mcp/u/<token>}): the HMAC keys that sign their tokens, and how long a URL may live.
 * <pre>
 * gateway.scoped-urls.keys.k2026a=&lt;base64 of at least 32 random bytes&gt;
 * gateway.scoped-urls.keys.k2025b=&lt;...&gt;        (an older key: its URLs still work until the line is removed)
 * gateway.scoped-urls.active-key=k2026a          (new URLs are signed with this one)
 * </pre>
 *
 * @param keys          key id -> base64 secret (at least 32 bytes); none: a random key per process (URLs die with it)
 * @param activeKey     the key id that signs new URLs (may be omitted when exactly one key is configured)
 * @param maxExpiresIn  the longest lifetime an admin may give a URL (expires_in_seconds)
 */
@ConfigurationProperties(prefix = "gateway.scoped-urls")
public record ScopedUrlProperties(Map<String, String> keys, String activeKey, Duration maxExpiresIn) {

    public ScopedUrlProperties {
        keys = keys == null ? Map.of() : new LinkedHashMap<>(keys);
        activeKey = activeKey == null || activeKey.isBlank() ? null : activeKey.trim();
        maxExpiresIn = maxExpiresIn == null ? Duration.ofDays(90) : maxExpiresIn;
    }
}
