package dev.lakehouse.gateway.vault;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.databricks.DatabricksProperties;
import dev.lakehouse.gateway.ratelimit.RetryAfter;
import org.springframework.stereotype.Component;

/**
 * The workspace's OAuth token endpoint ({@code /oidc/v1/token}) and SCIM {@code Me}, as the vault needs them:
 * client credentials (M2M), refresh tokens and authorization codes (U2M). A refusal is a {@link Failure} whose kind
 * decides the connection's status: invalid_grant, invalid_client, or passing (timeout, 5xx, 429).
 */
@Component
public class WorkspaceOAuth {

    /** Who a transport failure names. */
    private static final String WORKSPACE = "The workspace";

    private final HttpClient http;
    private final DatabricksProperties properties;

    public WorkspaceOAuth(DatabricksProperties properties) {
        this.properties = properties;
        this.http = HttpClient.newBuilder().connectTimeout(properties.connectTimeout()).build();
    }

    /** A token endpoint answer. {@code refreshToken} is null when none was issued (M2M, or no offline_access). */
    public record Tokens(String accessToken, String refreshToken, long expiresIn, String scope) {
        @Override
        public String toString() {
            return "Tokens[expiresIn=" + expiresIn + ", scope=" + scope + ", refresh=" + (refreshToken != null) + "]";
        }
    }

    /** Who the token belongs to (SCIM Me). */
    public record Me(String userName, String id, boolean servicePrincipal) {
    }

    /** Why a token request or a validation call failed; the message names no secret. */
    public static final class Failure extends RuntimeException {

        public enum Kind {
            /** the grant is dead: refresh token revoked, expired, used; or an authorization code spent */
            INVALID_GRANT,
            /** the client (service principal, OAuth app) is unknown, its secret wrong, or not allowed */
            INVALID_CLIENT,
            /** the workspace answered with something else the caller got wrong (bad scope, bad request, 403 token) */
            REFUSED,
            /** a passing trouble: no answer, timeout, 5xx, 429 */
            PASSING
        }

        private final Kind kind;
        private final String error;
        private final int httpStatus;
        private final Long retryAfterSeconds;

        Failure(Kind kind, String error, int httpStatus, Long retryAfterSeconds, String message) {
            super(message, null, false, false);
            this.kind = kind;
            this.error = error;
            this.httpStatus = httpStatus;
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public Kind kind() {
            return kind;
        }

        /** The OAuth error code (invalid_grant, ...) or a short label such as "HTTP 503" or "timeout". */
        public String error() {
            return error;
        }

        public int httpStatus() {
            return httpStatus;
        }

        public Long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    public Tokens clientCredentials(String baseUrl, String clientId, String clientSecret, String scope) {
        return token(baseUrl, clientId, clientSecret, true, form("grant_type", "client_credentials", "scope",
                scope == null || scope.isBlank() ? "all-apis" : scope));
    }

    public Tokens refresh(String baseUrl, String clientId, String clientSecret, String refreshToken) {
        return token(baseUrl, clientId, clientSecret, false, form("grant_type", "refresh_token",
                "refresh_token", refreshToken, "client_id", clientId));
    }

    public Tokens authorizationCode(String baseUrl, String clientId, String clientSecret, String code, String verifier,
            String redirectUri) {
        return token(baseUrl, clientId, clientSecret, false, form("grant_type", "authorization_code", "code", code,
                "code_verifier", verifier, "redirect_uri", redirectUri, "client_id", clientId));
    }

    /** OIDC discovery: proves a host is a workspace that answers OAuth (a U2M app is proven only at sign-in). */
    public void discovery(String baseUrl) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/oidc/.well-known/oauth-authorization-server"))
                .timeout(properties.responseTimeout()).header("Accept", "application/json").GET().build();
        HttpResponse<String> response = OAuthHttp.send(http, request, WORKSPACE);
        JsonNode body = OAuthHttp.json(response.body());
        if (response.statusCode() != 200 || !body.hasNonNull("token_endpoint")) {
            throw failure(response, body, "OIDC discovery (is this a Databricks workspace URL?)");
        }
    }

    /** SCIM Me with an access token: proves the token works and names its principal. */
    public Me me(String baseUrl, String accessToken) {
        return me(baseUrl, accessToken, Map.of());
    }

    /** SCIM Me with the companion headers a cloud's calls send beside the token (Azure's management token). */
    public Me me(String baseUrl, String accessToken, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + "/api/2.0/preview/scim/v2/Me"))
                .timeout(properties.responseTimeout())
                .header("Authorization", "Bearer " + accessToken)
                .header("Accept", "application/json");
        headers.forEach(builder::header);
        HttpRequest request = builder.GET().build();
        HttpResponse<String> response = OAuthHttp.send(http, request, WORKSPACE);
        JsonNode body = OAuthHttp.json(response.body());
        if (response.statusCode() == 200 && body.hasNonNull("userName")) {
            return new Me(body.get("userName").asText(), body.path("id").asText(null), body.hasNonNull("applicationId"));
        }
        throw failure(response, body, "validating the credentials (SCIM Me)");
    }

    /** One light call with a fresh token (the first catalog), proving the grant can use the workspace's APIs. */
    public void probe(String baseUrl, String accessToken) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/2.1/unity-catalog/catalogs?max_results=1"))
                .timeout(properties.responseTimeout()).header("Authorization", "Bearer " + accessToken)
                .header("Accept", "application/json").GET().build();
        HttpResponse<String> response = OAuthHttp.send(http, request, WORKSPACE);
        if (response.statusCode() != 200) {
            throw failure(response, OAuthHttp.json(response.body()), "a first call with the new token");
        }
    }

    private Tokens token(String baseUrl, String clientId, String clientSecret, boolean basicAuth, Map<String, String> form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/oidc/v1/token"))
                .timeout(properties.responseTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (basicAuth || clientSecret != null && !clientSecret.isEmpty()) {
            // confidential clients authenticate with HTTP Basic (the Databricks SDK's M2M way); public U2M apps do not
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (clientId + ":" + (clientSecret == null ? "" : clientSecret)).getBytes(StandardCharsets.UTF_8)));
        }
        String body = form.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = OAuthHttp.send(http,
                request.POST(HttpRequest.BodyPublishers.ofString(body)).build(), WORKSPACE);
        JsonNode json = OAuthHttp.json(response.body());
        if (response.statusCode() == 200 && json.hasNonNull("access_token")) {
            return new Tokens(json.get("access_token").asText(), json.path("refresh_token").asText(null),
                    json.path("expires_in").asLong(3600), json.path("scope").asText(null));
        }
        throw failure(response, json, "requesting a token");
    }

    private static Failure failure(HttpResponse<String> response, JsonNode body, String doing) {
        int status = response.statusCode();
        String error = body.path("error").asText(null);
        String description = body.path("error_description").asText(body.path("message").asText(""));
        if (status == 429 || status >= 500) {
            Long retryAfter = RetryAfter.seconds(response.headers().firstValue("Retry-After").orElse(null),
                    java.time.Clock.systemUTC());
            return new Failure(Failure.Kind.PASSING, "HTTP " + status, status, retryAfter,
                    "The workspace is unavailable (HTTP " + status + ") while " + doing);
        }
        if ("invalid_grant".equals(error)) {
            return new Failure(Failure.Kind.INVALID_GRANT, error, status, null,
                    "The workspace refused the grant (invalid_grant: " + shorten(description) + ")");
        }
        if ("invalid_client".equals(error) || "unauthorized_client".equals(error)) {
            return new Failure(Failure.Kind.INVALID_CLIENT, error, status, null,
                    "The workspace refused the OAuth client (" + error + ": " + shorten(description) + ")");
        }
        String label = error != null ? error : "HTTP " + status;
        return new Failure(Failure.Kind.REFUSED, label, status, null, "The workspace refused " + doing + " ("
                + label + (description.isEmpty() ? "" : ": " + shorten(description)) + ")");
    }

    /** Error descriptions come from the workspace: kept short and printable (they end up in statuses). */
    private static String shorten(String text) {
        String clean = text == null ? "" : text.replaceAll("[^\\p{Print}]", "?");
        return clean.length() > 200 ? clean.substring(0, 200) + "…" : clean;
    }

    private static Map<String, String> form(String... pairs) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.put(pairs[i], pairs[i + 1]);
        }
        return form;
    }
}
