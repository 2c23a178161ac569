package dev.lakehouse.emulator.auth;

import java.time.Duration;

import dev.lakehouse.emulator.EmulatorProperties;

/**
 * The token policy of one workspace (Databricks' {@code token_access_policy}): refresh token rotation and token
 * lifetimes. Starts from the {@code emulator.tokens.*} properties; the admin API changes it at runtime, per
 * workspace. The token endpoint reads one snapshot per request, so a change never mixes old and new values.
 */
public final class OAuthSettings {

    /** One consistent set of values; lifetimes apply to tokens issued after the change. */
    public record Values(boolean rotateRefreshTokens, Duration accessTokenLifetime, Duration refreshTokenLifetime) { }

    private final Values defaults;
    private final Duration authorizationCodeLifetime;
    private volatile Values current;

    public OAuthSettings(EmulatorProperties.Tokens properties) {
        this.defaults = new Values(properties.isRotateRefreshTokens(), properties.getAccessTokenLifetime(),
                properties.getRefreshTokenLifetime());
        this.authorizationCodeLifetime = properties.getAuthorizationCodeLifetime();
        this.current = defaults;
    }

    public Values current() {
        return current;
    }

    /** Not runtime-adjustable: codes live for seconds in every flow the gateway drives. */
    public Duration authorizationCodeLifetime() {
        return authorizationCodeLifetime;
    }

    /** Applies the non-null values at once; returns the new settings. */
    public synchronized Values update(Boolean rotate, Duration accessLifetime, Duration refreshLifetime) {
        Values old = current;
        current = new Values(rotate != null ? rotate : old.rotateRefreshTokens(),
                accessLifetime != null ? accessLifetime : old.accessTokenLifetime(),
                refreshLifetime != null ? refreshLifetime : old.refreshTokenLifetime());
        return current;
    }

    /** Back to the configured properties. */
    public synchronized Values reset() {
        current = defaults;
        return current;
    }
}
