package dev.lakehouse.emulator.cloud;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import dev.lakehouse.emulator.auth.OAuthSettings;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.ApiResponse;
import dev.lakehouse.emulator.http.Router;

/**
 * The public cloud identity endpoints every workspace port serves: Entra's token endpoints (v1 and v2) and keys,
 * Google's token endpoint and certs, and the workspace's own {@code /aad/auth} redirect to its Entra tenant.
 * Tokens live as long as this workspace's OAuth access tokens (its token policy), so tests see refreshes quickly.
 */
public final class CloudTokenEndpoints {

    public static final String ENTRA_PREFIX = "/entra/";
    public static final String GOOGLE_TOKEN_PATH = "/google/token";

    private final CloudIdentityProviders providers;
    private final OAuthSettings oauth;
    private final WorkspaceCloud cloud;

    public CloudTokenEndpoints(CloudIdentityProviders providers, OAuthSettings oauth, WorkspaceCloud cloud) {
        this.providers = providers;
        this.oauth = oauth;
        this.cloud = cloud;
    }

    public void register(Router router) {
        router.addPublic("POST", "/entra/{tenant}/oauth2/token", r -> entraToken(r, false));
        router.addPublic("POST", "/entra/{tenant}/oauth2/v2.0/token", r -> entraToken(r, true));
        router.addPublic("GET", "/entra/{tenant}/discovery/keys", r -> providers.entra().jwks());
        router.addPublic("GET", "/entra/{tenant}/discovery/v2.0/keys", r -> providers.entra().jwks());
        router.addPublic("POST", GOOGLE_TOKEN_PATH, this::googleToken);
        router.addPublic("GET", "/google/oauth2/v3/certs", r -> providers.google().jwks());
        router.addPublic("GET", "/aad/auth", this::aadAuth);
    }

    /** True for the token requests the request log counts as Entra's or Google's. */
    public static String tokenKind(String method, String path) {
        if (!"POST".equals(method)) {
            return null;
        }
        if (path.startsWith(ENTRA_PREFIX) && (path.endsWith("/oauth2/token") || path.endsWith("/oauth2/v2.0/token"))) {
            return "entra";
        }
        return path.equals(GOOGLE_TOKEN_PATH) ? "google" : null;
    }

    private ApiResponse entraToken(ApiRequest request, boolean v2) {
        return providers.entra().token(request.pathParam("tenant"), v2, request.form(), basic(request),
                oauth.current().accessTokenLifetime());
    }

    private ApiResponse googleToken(ApiRequest request) {
        return providers.google().token(request.form(), request.baseUrl() + GOOGLE_TOKEN_PATH,
                oauth.current().accessTokenLifetime());
    }

    /**
     * Azure Databricks sends browsers (and the SDKs, to learn the tenant from the first path segment) from
     * {@code /aad/auth} to its tenant's authorize endpoint; other clouds have no such page.
     */
    private ApiResponse aadAuth(ApiRequest request) {
        CloudProfile profile = cloud.profile();
        if (profile.cloud() != CloudProfile.Cloud.AZURE) {
            throw new ApiException(404, "ENDPOINT_NOT_FOUND", "No API found for 'GET /aad/auth'");
        }
        String redirect = profile.host() + "/aad/redirect";
        return ApiResponse.redirect("https://login.microsoftonline.com/" + profile.azureTenantId()
                + "/oauth2/authorize?client_id=" + EntraTokenService.DATABRICKS_RESOURCE
                + "&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8)
                + "&response_mode=form_post&response_type=code+id_token&scope=openid+profile"
                + "&state=" + UUID.randomUUID() + "&nonce=" + UUID.randomUUID());
    }

    /** {id, secret} of an {@code Authorization: Basic} header, or null. */
    private static String[] basic(ApiRequest request) {
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
}
