package dev.lakehouse.gateway.vault;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;


import static dev.lakehouse.gateway.vault.OAuthHttp.enc;
import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.databricks.DatabricksProperties;
import dev.lakehouse.gateway.identity.CallerToken;
import dev.lakehouse.gateway.tools.ToolExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Per-user Databricks tokens by OAuth token federation ({@code oauth-federation} connections), in two RFC 8693
 * exchanges: the calling user's token is first exchanged at the identity provider (Keycloak standard token exchange)
 * for a token whose only audience is the one the Databricks account's federation policy trusts, so the agent's own
 * token never goes upstream; that token is then exchanged at the workspace's {@code /oidc/v1/token} for a Databricks
 * token of the same user. Nothing is stored: the Databricks token is cached in memory per (connection, user), one
 * exchange at a time per key (single flight), and used no longer than the user's own token lives, so a user who can
 * no longer sign in loses access within one token lifetime. A refusal fails closed: the agent gets an isError result
 * naming the class and the fix, and a policy refusal marks the connection {@code app_misconfigured} for its admins.
 */
@Component
public class TokenFederation {

    private static final Logger LOG = LoggerFactory.getLogger(TokenFederation.class);
    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    static final String JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";
    /** Cached tokens kept at most; past it, expired entries are dropped (users who stopped calling). */
    private static final int MAX_CACHED = 10_000;

    private record Cached(String token, Instant useUntil) {
    }

    private final Map<String, CompletableFuture<Cached>> cache = new ConcurrentHashMap<>();
    private final HttpClient http;
    private final DatabricksProperties properties;
    private final VaultHosts hosts;
    private final ConnectionRepository repository;
    private final ConnectionEvents events;
    private final Clock clock;
    private final String tokenUrl;
    private final String clientId;
    private final String clientSecret;
    private final String defaultAudience;
    private final Duration expiryMargin;

    /**
     * @param tokenUrl     the identity provider's token endpoint for the first exchange (empty: federation is off)
     * @param clientId     the gateway's confidential client there, allowed to exchange tokens whose audience it is
     * @param audience     the default audience of the exchanged token (a connection may name another)
     * @param expiryMargin a cached token is exchanged again this long before it (or the user's token) expires
     */
    public TokenFederation(DatabricksProperties properties, VaultHosts hosts, ConnectionRepository repository,
            ConnectionEvents events, Clock vaultClock,
            @Value("${gateway.vault.federation.token-url:}") String tokenUrl,
            @Value("${gateway.vault.federation.client-id:}") String clientId,
            @Value("${gateway.vault.federation.client-secret:}") String clientSecret,
            @Value("${gateway.vault.federation.audience:databricks-federation}") String audience,
            @Value("${gateway.vault.federation.expiry-margin:30s}") Duration expiryMargin) {
        this.properties = properties;
        this.hosts = hosts;
        this.repository = repository;
        this.events = events;
        this.clock = vaultClock;
        this.tokenUrl = tokenUrl == null ? "" : tokenUrl.trim();
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.defaultAudience = audience;
        this.expiryMargin = expiryMargin;
        this.http = HttpClient.newBuilder().connectTimeout(properties.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Whether this gateway is set up to exchange its users' tokens (else such connections are refused). */
    public boolean configured() {
        return !tokenUrl.isEmpty() && clientId != null && !clientId.isBlank();
    }

    public String audienceOf(VaultConnection c) {
        return c.federationAudience() == null ? defaultAudience : c.federationAudience();
    }

    /** The Databricks token for {@code subject} on connection {@code c}, exchanged now or from the cache. */
    public String accessToken(VaultConnection c, String subject, CallerToken caller) {
        if (c.disconnected()) {
            throw new ConnectionUnavailableException(c.name(), ConnectionStatus.DISCONNECTED,
                    "It was disconnected by an admin.", "A tenant admin must create the connection again.");
        }
        if (caller == null || subject == null) {
            throw new ConnectionUnavailableException(c.name(), ConnectionStatus.NEEDS_REAUTH, "This connection acts as "
                    + "each signed-in user by token federation, and this call carries no user token.",
                    "Call the gateway with a user's access token from the identity provider (sign in as a person).");
        }
        String key = c.id() + "/" + subject;
        Instant now = clock.instant();
        CompletableFuture<Cached> current = cache.get(key);
        if (current != null && current.isDone() && !current.isCompletedExceptionally()
                && now.isBefore(current.join().useUntil())) {
            return current.join().token();
        }
        CompletableFuture<Cached> mine = new CompletableFuture<>();
        CompletableFuture<Cached> winner = cache.compute(key, (k, existing) -> existing != null && !existing.isDone()
                ? existing : mine);
        if (winner == mine) {
            try {
                mine.complete(exchange(c, subject, caller));
            } catch (RuntimeException e) {
                cache.remove(key, mine);   // a refusal is not cached: the next call asks again
                mine.completeExceptionally(e);
            }
            trim(now);
        }
        try {
            return winner.get(properties.responseTimeout().toMillis() * 3, TimeUnit.MILLISECONDS).token();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new ToolExecutionException("Token federation failed");
        } catch (TimeoutException e) {
            throw new ToolExecutionException("Token federation for this user did not finish in time; retry shortly.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolExecutionException("Interrupted");
        }
    }

    /** Forgets the cached token of one user (the workspace rejected it) or of the whole connection (subject null). */
    public void forget(VaultConnection c, String subject) {
        if (subject != null) {
            cache.remove(c.id() + "/" + subject);
        } else {
            cache.keySet().removeIf(k -> k.startsWith(c.id() + "/"));
        }
    }

    private Cached exchange(VaultConnection c, String subject, CallerToken caller) {
        if (!configured()) {
            throw misconfigured(c, "This gateway has no identity-provider token exchange configured "
                    + "(gateway.vault.federation.token-url and client-id)", "An operator must configure token federation.");
        }
        String federated = identityProviderExchange(c, caller);
        JsonNode answer = workspaceExchange(c, federated);
        long seconds = answer.path("expires_in").asLong(3600);
        Instant now = clock.instant();
        Instant until = now.plusSeconds(seconds);
        if (caller.expiresAt() != null && caller.expiresAt().isBefore(until)) {
            until = caller.expiresAt();   // never longer than the user's own proof of sign-in
        }
        recovered(c);
        LOG.debug("federated token for a user of {} (valid {} s)", c, seconds);
        return new Cached(answer.path("access_token").asText(), until.minus(expiryMargin));
    }

    /** Keycloak: the user's token for one with the policy's audience (and nothing else in it that Databricks needs). */
    private String identityProviderExchange(VaultConnection c, CallerToken caller) {
        String form = "grant_type=" + enc(TOKEN_EXCHANGE) + "&client_id=" + enc(clientId)
                + (clientSecret == null || clientSecret.isEmpty() ? "" : "&client_secret=" + enc(clientSecret))
                + "&subject_token=" + enc(caller.value()) + "&subject_token_type=" + enc(ACCESS_TOKEN_TYPE)
                + "&requested_token_type=" + enc(ACCESS_TOKEN_TYPE) + "&audience=" + enc(audienceOf(c));
        HttpResponse<String> response = post(tokenUrl, form, "The identity provider");
        JsonNode body = OAuthHttp.json(response.body());
        if (response.statusCode() == 200 && body.hasNonNull("access_token")) {
            return body.get("access_token").asText();
        }
        String error = body.path("error").asText("HTTP " + response.statusCode());
        String description = body.path("error_description").asText("");
        if (response.statusCode() == 429 || response.statusCode() >= 500) {
            throw new ToolExecutionException("The identity provider is unavailable for token exchange (HTTP "
                    + response.statusCode() + "); retry shortly.");
        }
        String why = error + (description.isEmpty() ? "" : ": " + description);
        if (gatewaySetUp(error, description)) {
            throw misconfigured(c, "The identity provider refused the gateway's token exchange for audience '"
                    + audienceOf(c) + "' (" + why + ")", "An operator must fix the gateway's exchange client (its secret, "
                    + "standard token exchange enabled, the audience among its client scopes).");
        }
        // this caller's token (expired, signed out, minted for a client that does not name the gateway): only this call
        throw new ToolExecutionException("The identity provider would not exchange your token for a Databricks one ("
                + why + "). Sign in again as a person, with a token that names the gateway as its audience, and retry.");
    }

    /** Databricks: the federated token for a Databricks token of the same user, under the account's policy. */
    private JsonNode workspaceExchange(VaultConnection c, String federated) {
        String form = "grant_type=" + enc(TOKEN_EXCHANGE) + "&subject_token=" + enc(federated)
                + "&subject_token_type=" + enc(JWT_TOKEN_TYPE) + "&scope=" + enc(c.scopes() == null ? "all-apis" : c.scopes());
        HttpResponse<String> response = post(hosts.baseUrl(c.host()) + "/oidc/v1/token", form, "The workspace");
        JsonNode body = OAuthHttp.json(response.body());
        if (response.statusCode() == 200 && body.hasNonNull("access_token")) {
            return body;
        }
        String error = body.path("error").asText("HTTP " + response.statusCode());
        String description = body.path("error_description").asText(body.path("message").asText(""));
        if (response.statusCode() == 429 || response.statusCode() >= 500) {
            throw new ToolExecutionException("The workspace's token endpoint is unavailable (HTTP "
                    + response.statusCode() + "); retry shortly.");
        }
        if (callersOwn(description)) {
            // this user, not the policy: only this caller is refused, the connection serves everyone else
            throw new ToolExecutionException("The workspace refused your federated token (" + description + "). A "
                    + "workspace admin must add you to the workspace under the e-mail address the identity provider gives.");
        }
        throw misconfigured(c, "The workspace's federation policy refused the token (" + error
                + (description.isEmpty() ? "" : ": " + description) + ")", "A Databricks account admin must create or "
                + "fix the account's federation policy: issuer " + issuerHint() + ", audience '" + audienceOf(c)
                + "', subject claim email.");
    }

    /** Refusals that only the gateway's own set-up explains (its client, the audience); others are the caller's. */
    static boolean gatewaySetUp(String error, String description) {
        String lower = description.toLowerCase(java.util.Locale.ROOT);
        return "invalid_client".equals(error) || "unauthorized_client".equals(error)
                || lower.contains("audience not") || lower.contains("not allowed to exchange")
                || lower.contains("standard token exchange is not enabled");
    }

    /** Databricks refusals about the one user (unknown to the workspace, no subject claim), not the policy. */
    static boolean callersOwn(String description) {
        String lower = description.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("not found in this workspace") && !lower.startsWith("service principal")
                || lower.contains("claim (the subject_claim") || lower.contains("does not match the subject");
    }

    /** Fails closed, and tells the connection's admins once (status change, event, webhook). */
    private ConnectionUnavailableException misconfigured(VaultConnection c, String reason, String action) {
        setStatus(c, ConnectionStatus.APP_MISCONFIGURED, reason + ".", action);
        return new ConnectionUnavailableException(c.name(), ConnectionStatus.APP_MISCONFIGURED, reason + ".", action);
    }

    private void recovered(VaultConnection c) {
        repository.grant(c.id(), VaultConnection.OWN).filter(g -> g.status() != ConnectionStatus.ACTIVE)
                .ifPresent(g -> setStatus(c, ConnectionStatus.ACTIVE, "Token federation works again.", null));
    }

    private void setStatus(VaultConnection c, ConnectionStatus status, String reason, String action) {
        for (int attempt = 0; attempt < 3; attempt++) {
            VaultGrant g = repository.grant(c.id(), VaultConnection.OWN).orElse(null);
            if (g == null || (g.status() == status && java.util.Objects.equals(g.statusReason(), reason))) {
                return;
            }
            VaultGrant.Draft d = g.draft();
            d.status = status;
            d.statusReason = reason;
            d.statusAction = action;
            d.statusAt = clock.instant();
            if (repository.write(d.build())) {   // fenced by the row's version: a concurrent change wins, we re-read
                events.record(c.tenant(), c.name(), null, "status_changed", status, reason, action);
                return;
            }
        }
    }

    private String issuerHint() {
        int realm = tokenUrl.indexOf("/protocol/openid-connect/");
        return realm > 0 ? "'" + tokenUrl.substring(0, realm) + "'" : "of the identity provider";
    }

    private void trim(Instant now) {
        if (cache.size() > MAX_CACHED) {
            cache.entrySet().removeIf(e -> e.getValue().isDone() && (e.getValue().isCompletedExceptionally()
                    || !now.isBefore(e.getValue().join().useUntil())));
        }
    }

    /** A token endpoint that does not answer is a retryable error of this call, never a connection status. */
    private HttpResponse<String> post(String url, String form, String who) {
        try {
            return OAuthHttp.send(http, OAuthHttp.formPost(url, form, properties.responseTimeout()), who);
        } catch (WorkspaceOAuth.Failure f) {
            throw new ToolExecutionException(f.getMessage() + " (token exchange); retry shortly.");
        }
    }
}
