package dev.lakehouse.gateway.connect;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The connect pages ({@code /connect}): people connect their Databricks workspaces in a browser.
 *
 * @param publicUrl      the gateway's URL as browsers reach it (links handed to agents, the workspace redirect URL
 *                       {@code <public-url>/connect/callback}); empty: http://localhost:&lt;port&gt;
 * @param sessionTtl     how long one sign-in at a workspace may take (at most 15 minutes)
 * @param elicitationTtl how long a reconnect link handed to an agent stays valid
 * @param clientId       the Keycloak client of the pages (OIDC login of people)
 * @param clientSecret   its secret
 */
@ConfigurationProperties(prefix = "gateway.connect")
public record ConnectProperties(String publicUrl, Duration sessionTtl, Duration elicitationTtl, String clientId,
        String clientSecret) {

    public ConnectProperties {
        publicUrl = publicUrl == null || publicUrl.isBlank() ? null : publicUrl.replaceAll("/+$", "");
        sessionTtl = sessionTtl == null || sessionTtl.isNegative() || sessionTtl.isZero() ? Duration.ofMinutes(10) : sessionTtl;
        if (sessionTtl.compareTo(Duration.ofMinutes(15)) > 0) {
            throw new IllegalStateException("gateway.connect.session-ttl must be at most 15m, got " + sessionTtl);
        }
        elicitationTtl = elicitationTtl == null || elicitationTtl.isNegative() ? Duration.ofMinutes(30) : elicitationTtl;
        clientId = clientId == null || clientId.isBlank() ? "gateway-connect" : clientId;
    }
}
