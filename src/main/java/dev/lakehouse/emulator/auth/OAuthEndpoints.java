package dev.lakehouse.emulator.auth;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.WorkspaceSettings;
import dev.lakehouse.emulator.cloud.CloudProfile;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.ApiResponse;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.Router;

/**
 * Host metadata, OIDC discovery and the token endpoint (client_credentials, authorization_code
 * with PKCE S256, refresh_token with rotation, token-exchange for OAuth token federation). OAuth errors use the RFC 6749 body
 * {@code {"error": ..., "error_description": ...}}, as the real token endpoint does.
 */
public final class OAuthEndpoints {

    /** The scopes of the workspace's authorization server (discovery's {@code scopes_supported}). */
    private static final List<String> SCOPES_IN_ORDER = List.of("all-apis", "offline_access", "sql", "openid");
    public static final Set<String> SCOPES = Set.copyOf(SCOPES_IN_ORDER);

    private final WorkspaceSettings settings;
    private final OAuthSettings oauth;
    private final IdentityDirectory identities;
    private final TokenStore tokens;
    private final Supplier<CloudProfile> cloud;
    private final TokenExchange exchange;

    /**
     * {@code cloud} is the workspace's current cloud profile (its cloud and public host name in host metadata).
     * Token exchanges are matched against {@code federation}, issuers' keys fetched through {@code issuerKeys}, and
     * each exchange's outcome (true: token issued) reported to {@code exchanges}.
     */
    public OAuthEndpoints(WorkspaceSettings settings, OAuthSettings oauth, IdentityDirectory identities,
                          TokenStore tokens, Supplier<CloudProfile> cloud, FederationPolicies federation,
                          IssuerKeys issuerKeys, Consumer<Boolean> exchanges) {
        this.exchange = new TokenExchange(oauth, identities, tokens, federation, issuerKeys, SCOPES, exchanges);
        this.cloud = cloud;
        this.settings = settings;
        this.oauth = oauth;
        this.identities = identities;
        this.tokens = tokens;
    }

    public void register(Router router) {
        router.addPublic("GET", "/.well-known/databricks-config", this::hostMetadata);
        router.addPublic("GET", "/oidc/.well-known/oauth-authorization-server", this::discovery);
        router.addPublic("GET", "/oidc/.well-known/openid-configuration", this::discovery);
        router.addPublic("POST", "/oidc/v1/token", this::token);
    }

    private Object hostMetadata(ApiRequest request) {
        ObjectNode body = Json.obj();
        // as the real service: the workspace's own host name (a cloud profile's public one; else the URL called)
        String host = cloud.get().host();
        body.put("oidc_endpoint", (host != null ? host.replaceAll("/+$", "") : request.baseUrl()) + "/oidc");
        body.put("account_id", settings.accountId());
        body.put("workspace_id", settings.workspaceId());
        body.put("cloud", cloud.get().cloud().key());
        body.putArray("token_federation_default_oidc_audiences").add(settings.accountId());
        return body;
    }

    private Object discovery(ApiRequest request) {
        String base = request.baseUrl() + "/oidc";
        ObjectNode body = Json.obj();
        body.put("issuer", base);
        body.put("authorization_endpoint", base + "/v1/authorize");
        body.put("token_endpoint", base + "/v1/token");
        body.putArray("response_types_supported").add("code");
        body.putArray("grant_types_supported").add("client_credentials").add("authorization_code").add("refresh_token")
                .add(TokenExchange.GRANT_TYPE);
        body.putArray("code_challenge_methods_supported").add("S256");
        body.putArray("token_endpoint_auth_methods_supported")
                .add("client_secret_basic").add("client_secret_post").add("none");
        ArrayNode scopes = body.putArray("scopes_supported");
        SCOPES_IN_ORDER.forEach(scopes::add);
        return body;
    }

    private Object token(ApiRequest request) {
        Map<String, String> form = request.form();
        String grantType = form.get("grant_type");
        if (grantType == null) {
            return oauthError(400, "invalid_request", "Missing grant_type");
        }
        return switch (grantType) {
            case "client_credentials" -> clientCredentials(request, form);
            case "authorization_code" -> authorizationCode(request, form);
            case "refresh_token" -> refresh(request, form);
            case TokenExchange.GRANT_TYPE -> exchange.exchange(form);
            default -> oauthError(400, "unsupported_grant_type", "Unsupported grant_type: " + grantType);
        };
    }

    private ApiResponse clientCredentials(ApiRequest request, Map<String, String> form) {
        String[] basic = basicCredentials(request);
        String clientId = basic != null ? basic[0] : form.get("client_id");
        String secret = basic != null ? basic[1] : form.get("client_secret");
        Principal sp = identities.authenticateClient(clientId, secret);
        if (sp == null) {
            return oauthError(401, "invalid_client", "Client authentication failed");
        }
        String scope = form.getOrDefault("scope", "all-apis");
        TokenStore.TokenRecord access = tokens.issueAccessToken(sp, clientId, scope,
                oauth.current().accessTokenLifetime());
        return ApiResponse.json(tokenBody(access, null));
    }

    /** The U2M client of a code or refresh grant (Basic header or form body), or null when it does not authenticate. */
    private String authenticatedU2mClient(ApiRequest request, Map<String, String> form) {
        String[] basic = basicCredentials(request);
        String clientId = basic != null ? basic[0] : form.get("client_id");
        String secret = basic != null ? basic[1] : form.get("client_secret");
        IdentityDirectory.OAuthApp app = identities.app(clientId);
        return app != null && app.secretMatches(secret) ? clientId : null;
    }

    private ApiResponse authorizationCode(ApiRequest request, Map<String, String> form) {
        String clientId = authenticatedU2mClient(request, form);
        if (clientId == null) {
            return oauthError(401, "invalid_client", "Client authentication failed");
        }
        TokenStore.AuthCode code = tokens.redeemCode(form.get("code"));
        if (code == null || !code.clientId().equals(clientId)) {
            return oauthError(400, "invalid_grant", "Authorization code is invalid or was already used");
        }
        if (Instant.now().isAfter(code.expiresAt())) {
            return oauthError(400, "invalid_grant", "Authorization code has expired");
        }
        if (!code.redirectUri().equals(form.get("redirect_uri"))) {
            return oauthError(400, "invalid_grant", "redirect_uri does not match the authorization request");
        }
        if (!Pkce.verify(form.get("code_verifier"), code.codeChallenge())) {
            return oauthError(400, "invalid_grant", "PKCE verification failed: code_verifier does not match code_challenge");
        }
        OAuthSettings.Values policy = oauth.current();
        TokenStore.TokenRecord access = tokens.issueAccessToken(code.principal(), clientId, code.scope(),
                policy.accessTokenLifetime());
        TokenStore.TokenRecord refresh = wantsRefresh(code.scope())
                ? tokens.issueRefreshToken(code.principal(), clientId, code.scope(), policy.refreshTokenLifetime())
                : null;
        return ApiResponse.json(tokenBody(access, refresh));
    }

    private ApiResponse refresh(ApiRequest request, Map<String, String> form) {
        String clientId = authenticatedU2mClient(request, form);
        if (clientId == null) {
            return oauthError(401, "invalid_client", "Client authentication failed");
        }
        TokenStore.TokenRecord old = tokens.find(form.get("refresh_token"));
        if (old == null || old.kind() != TokenStore.Kind.REFRESH || !clientId.equals(old.clientId())) {
            return oauthError(400, "invalid_grant", "Refresh token is invalid");
        }
        if (old.revoked()) {
            return oauthError(400, "invalid_grant", "Refresh token has been revoked");
        }
        if (old.expired(Instant.now())) {
            return oauthError(400, "invalid_grant", "Refresh token has expired");
        }
        OAuthSettings.Values policy = oauth.current();
        // a token consumed while rotation was on stays spent when rotation is switched off later
        if (policy.rotateRefreshTokens() ? !tokens.consume(old) : old.used()) {
            return oauthError(400, "invalid_grant", "Refresh token has already been used");
        }
        TokenStore.TokenRecord access = tokens.issueAccessToken(old.principal(), clientId, old.scope(),
                policy.accessTokenLifetime());
        TokenStore.TokenRecord next = policy.rotateRefreshTokens()
                ? tokens.issueRefreshToken(old.principal(), clientId, old.scope(), policy.refreshTokenLifetime())
                : old;
        return ApiResponse.json(tokenBody(access, next));
    }

    static ObjectNode tokenBody(TokenStore.TokenRecord access) {
        return tokenBody(access, null);
    }

    private static ObjectNode tokenBody(TokenStore.TokenRecord access, TokenStore.TokenRecord refresh) {
        ObjectNode body = Json.obj();
        body.put("access_token", access.token());
        body.put("token_type", "Bearer");
        body.put("expires_in", Math.max(0, access.expiresAt().getEpochSecond() - Instant.now().getEpochSecond()));
        body.put("scope", access.scope());
        if (refresh != null) {
            body.put("refresh_token", refresh.token());
        }
        return body;
    }

    private static boolean wantsRefresh(String scope) {
        return scope != null && (" " + scope + " ").contains(" offline_access ");
    }

    /** {id, secret} from an {@code Authorization: Basic} header, or null when there is none. */
    private static String[] basicCredentials(ApiRequest request) {
        String header = request.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static ApiResponse oauthError(int status, String error, String description) {
        ObjectNode body = Json.obj();
        body.put("error", error);
        body.put("error_description", description);
        return ApiResponse.json(status, body);
    }
}
