package dev.lakehouse.gateway.identity;

import java.time.Instant;

/**
 * The calling user's validated access token (exchange variable {@code callerToken}), kept only for token federation's
 * exchange at the identity provider: it is never sent to Databricks, logged, or stored.
 */
public record CallerToken(String value, Instant expiresAt) {

    public static final String VARIABLE = "callerToken";

    @Override
    public String toString() {
        return "CallerToken[expires " + expiresAt + "]";
    }
}
