package dev.lakehouse.gateway.databricks;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import dev.lakehouse.gateway.tools.ToolExecutionException;
import dev.lakehouse.gateway.identity.CallerToken;
import dev.lakehouse.gateway.vault.GrantTokens;
import dev.lakehouse.gateway.vault.TokenFederation;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Step 7 of the pipeline: the {@code Authorization} header for the connection's workspace. A PAT goes as is; an
 * OAuth M2M service principal gets a token from the workspace's {@code /oidc/v1/token}, cached in memory and
 * refreshed before it expires, one refresh at a time per connection (single flight). A refresh ahead that meets an
 * unavailable token endpoint (timeout, 5xx, 429) keeps the current token serving until it expires and tries again
 * after {@link #REFRESH_RETRY} (a passing outage costs no call). The caller's own token is
 * never used here, and the Databricks token never leaves the gateway. Connections of the vault get their token from
 * {@link GrantTokens} (PAT, M2M or U2M grants, refreshed ahead and fenced across replicas).
 */
@Component("databricksTokens")
public class DatabricksTokens {

    private static final Logger LOG = LoggerFactory.getLogger(DatabricksTokens.class);

    /** Exchange variable: which cached M2M token an attempt sent (a number, not the token), for {@link #invalidate}. */
    public static final String TOKEN_GENERATION = "dbTokenGeneration";

    private final Map<String, CompletableFuture<CachedToken>> cache = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong();
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final DatabricksProperties properties;

    /** After a failed refresh ahead, the current token serves this long (at most until it expires) before a retry. */
    static final Duration REFRESH_RETRY = Duration.ofSeconds(5);

    record CachedToken(String accessToken, Instant refreshAt, Instant expiresAt, long generation) {

        /** The same token, asked to be refreshed again after {@link #REFRESH_RETRY}, or when half its rest is gone. */
        CachedToken retryLater(Instant now) {
            Duration rest = Duration.between(now, expiresAt);
            Duration wait = rest.dividedBy(2).compareTo(REFRESH_RETRY) < 0 ? rest.dividedBy(2) : REFRESH_RETRY;
            return new CachedToken(accessToken, now.plus(wait), expiresAt, generation);
        }
    }

    /** The token endpoint could not answer now (no connection, timeout, 5xx, 429): worth trying again later. */
    static final class TokenEndpointUnavailable extends ToolExecutionException {
        TokenEndpointUnavailable(String message) {
            super(message);
        }
    }

    private final GrantTokens grants;

    private final TokenFederation federation;

    public DatabricksTokens(ObjectMapper mapper, DatabricksProperties properties, GrantTokens grants,
            TokenFederation federation) {
        this.federation = federation;
        this.mapper = mapper;
        this.grants = grants;
        this.properties = properties;
        this.http = HttpClient.newBuilder().connectTimeout(properties.connectTimeout()).build();
    }

    /** Route step: sets the Authorization header for variable {@code connection}. */
    public void authorize(Exchange exchange) {
        WorkspaceConnection connection = exchange.getVariable("connection", WorkspaceConnection.class);
        if (connection.fromVault() && connection.vault().federated()) {
            // token federation: the calling user's token exchanged for theirs (in memory, never stored)
            exchange.getMessage().setHeader("Authorization", "Bearer " + federation.accessToken(connection.vault(),
                    exchange.getVariable("subject", String.class),
                    exchange.getVariable(CallerToken.VARIABLE, CallerToken.class)));
        } else if (connection.fromVault()) {
            // the vault's grant: the connection's own, or (per-user U2M) the calling user's, refreshed across replicas
            GrantTokens.Served served = grants.accessToken(connection.vault(), exchange.getVariable("subject", String.class));
            exchange.setVariable(TOKEN_GENERATION, served.version());
            exchange.getMessage().setHeader("Authorization", "Bearer " + served.token());
            served.headers().forEach(exchange.getMessage()::setHeader);   // Azure: management token, resource id
        } else if ("oauth-m2m".equals(connection.auth())) {
            CachedToken token = m2mToken(connection);
            exchange.setVariable(TOKEN_GENERATION, token.generation());
            exchange.getMessage().setHeader("Authorization", "Bearer " + token.accessToken());
        } else {
            exchange.getMessage().setHeader("Authorization", "Bearer " + accessToken(connection));
        }
    }

    public String accessToken(WorkspaceConnection connection) {
        switch (connection.auth()) {
            case "pat" -> {
                if (connection.token() == null || connection.token().isBlank()) {
                    throw new ToolExecutionException("The workspace connection '" + connection.name()
                            + "' has no personal access token configured.");
                }
                return connection.token();
            }
            case "oauth-m2m" -> {
                return m2mToken(connection).accessToken();
            }
            default -> throw new ToolExecutionException("The workspace connection '" + connection.name()
                    + "' uses an unsupported auth type '" + connection.auth() + "' (use pat or oauth-m2m).");
        }
    }

    /** The workspace rejected the token a call sent: the next call gets a fresh one. */
    public void rejected(Exchange exchange, WorkspaceConnection connection) {
        Long generation = exchange.getVariable(TOKEN_GENERATION, Long.class);
        if (connection.fromVault() && connection.vault().federated()) {
            federation.forget(connection.vault(), exchange.getVariable("subject", String.class));
        } else if (connection.fromVault()) {
            grants.rejected(connection.vault(), exchange.getVariable("subject", String.class), generation);
        } else {
            invalidate(connection, generation);
        }
    }

    /** Forgets the cached token (the workspace rejected it: revoked, or expired early). */
    public void invalidate(WorkspaceConnection connection) {
        cache.remove(connection.key());
    }

    /**
     * Forgets the cached token only if it is still the one the workspace rejected ({@code generation}): when many
     * calls are rejected at once, the first fetches a new token and the others must not throw that one away too.
     */
    public void invalidate(WorkspaceConnection connection, Long generation) {
        if (generation == null) {
            invalidate(connection);
            return;
        }
        cache.computeIfPresent(connection.key(), (key, current) -> current.isDone() && !current.isCompletedExceptionally()
                && current.join().generation() == generation ? null : current);
    }

    private CachedToken m2mToken(WorkspaceConnection connection) {
        while (true) {
            CompletableFuture<CachedToken> current = cache.get(connection.key());
            if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
                CachedToken token = current.join();
                if (Instant.now().isBefore(token.refreshAt())) {
                    return token;
                }
            }
            if (current == null || current.isDone()) {
                CachedToken previous = current != null && !current.isCompletedExceptionally() ? current.join() : null;
                CompletableFuture<CachedToken> refresh = new CompletableFuture<>();
                boolean mine = current == null ? cache.putIfAbsent(connection.key(), refresh) == null
                        : cache.replace(connection.key(), current, refresh);
                if (!mine) {
                    continue;
                }
                try {
                    refresh.complete(fetch(connection));
                } catch (TokenEndpointUnavailable e) {
                    Instant now = Instant.now();
                    if (previous == null || !now.isBefore(previous.expiresAt())) {
                        refresh.completeExceptionally(e);
                        cache.remove(connection.key(), refresh);
                        throw e;
                    }
                    LOG.warn("token refresh for connection {} deferred: the current token serves until {} ({})",
                            connection.key(), previous.expiresAt(), e.getMessage());
                    refresh.complete(previous.retryLater(now));
                } catch (RuntimeException e) {
                    refresh.completeExceptionally(e);
                    cache.remove(connection.key(), refresh);
                    throw e;
                }
                return refresh.join();
            }
            try {
                return current.get();   // another call is refreshing: wait for its result
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ToolExecutionException("The call was interrupted while the workspace token was refreshed.");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
    }

    private CachedToken fetch(WorkspaceConnection connection) {
        String credentials = Base64.getEncoder().encodeToString(
                (connection.clientId() + ":" + connection.clientSecret()).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(connection.baseUrl() + "/oidc/v1/token"))
                .timeout(properties.responseTimeout())
                .header("Authorization", "Basic " + credentials)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope="
                        + URLEncoder.encode("all-apis", StandardCharsets.UTF_8)))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TokenEndpointUnavailable("The workspace of connection '" + connection.name()
                    + "' could not be reached to obtain a token (" + e.getClass().getSimpleName() + "). Try again later.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolExecutionException("The call was interrupted while a workspace token was requested.");
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() != 200 || !body.hasNonNull("access_token")) {
            String error = body.path("error").asText(body.path("error_code").asText("HTTP " + response.statusCode()));
            LOG.warn("token request for connection {} refused: {} {}", connection.key(), response.statusCode(), error);
            if (response.statusCode() == 429 || response.statusCode() >= 500) {
                throw new TokenEndpointUnavailable("The workspace's token endpoint is unavailable (" + error
                        + ") for connection '" + connection.name() + "'. Try again in a minute.");
            }
            throw new ToolExecutionException("The workspace refused the gateway's OAuth client for connection '"
                    + connection.name() + "' (" + error + "): the service principal's secret was revoked or is wrong. "
                    + "A tenant admin must update the connection's client secret; retrying will not help.");
        }
        long lifetime = body.path("expires_in").asLong(3600);
        Instant now = Instant.now();
        // refresh ahead: at the configured margin, or half-way for short-lived tokens
        long margin = Math.min(properties.tokenRefreshMargin().toSeconds(), lifetime / 2);
        LOG.debug("new access token for connection {} valid {} s", connection.key(), lifetime);
        return new CachedToken(body.get("access_token").asText(), now.plusSeconds(lifetime - margin), now.plusSeconds(lifetime),
                generations.incrementAndGet());
    }

    private JsonNode parse(String body) {
        try {
            return mapper.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }
}
