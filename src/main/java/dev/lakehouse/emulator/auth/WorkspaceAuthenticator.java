package dev.lakehouse.emulator.auth;

import com.sun.net.httpserver.Headers;

import dev.lakehouse.emulator.cloud.CloudIdentityProviders;
import dev.lakehouse.emulator.cloud.CloudProfile;
import dev.lakehouse.emulator.cloud.EntraApp;
import dev.lakehouse.emulator.cloud.EntraTokenService;
import dev.lakehouse.emulator.cloud.EntraTokenService.EntraToken;
import dev.lakehouse.emulator.cloud.GoogleTokenService.GoogleAccessToken;
import dev.lakehouse.emulator.cloud.GoogleTokenService.GoogleIdToken;
import dev.lakehouse.emulator.cloud.WorkspaceCloud;
import dev.lakehouse.emulator.http.ApiException;

/**
 * Who is calling a workspace API: the workspace's own opaque tokens (PATs, OAuth) on every cloud; on an Azure
 * workspace also Entra tokens of its tenant, on a GCP workspace Google ID tokens for its host. Any unusable
 * token is the TokenStore's 403 {@code Invalid access token.}; a valid cloud identity that may not use this
 * workspace is a 403 PERMISSION_DENIED that says what is missing.
 */
public final class WorkspaceAuthenticator {

    static final String AZURE_MANAGEMENT_TOKEN = "X-Databricks-Azure-SP-Management-Token";
    static final String AZURE_RESOURCE_ID = "X-Databricks-Azure-Workspace-Resource-Id";
    static final String GCP_ACCESS_TOKEN = "X-Databricks-GCP-SA-Access-Token";

    private final TokenStore tokens;
    private final IdentityDirectory identities;
    private final WorkspaceCloud cloud;
    private final CloudIdentityProviders providers;

    public WorkspaceAuthenticator(TokenStore tokens, IdentityDirectory identities, WorkspaceCloud cloud,
                                  CloudIdentityProviders providers) {
        this.tokens = tokens;
        this.identities = identities;
        this.cloud = cloud;
        this.providers = providers;
    }

    public Principal authenticate(String bearer, Headers headers) {
        if (tokens.find(bearer) != null || !looksLikeJwt(bearer)) {
            return tokens.authenticate(bearer);
        }
        CloudProfile profile = cloud.profile();
        return switch (profile.cloud()) {
            case AZURE -> azure(bearer, headers, profile);
            case GCP -> gcp(bearer, headers, profile);
            case AWS -> throw TokenStore.INVALID_TOKEN;
        };
    }

    private Principal azure(String bearer, Headers headers, CloudProfile profile) {
        EntraToken token = providers.entra().verify(bearer);
        if (token == null || !token.tenantId().equals(profile.azureTenantId())
                || !EntraTokenService.DATABRICKS_RESOURCE.equals(token.audience())) {
            throw TokenStore.INVALID_TOKEN;
        }
        Principal member = identities.findServicePrincipal(token.appId());
        if (member != null) {
            return member;
        }
        String refusal = autoAddRefusal(token, headers, profile);
        if (refusal != null) {
            throw new ApiException(403, "PERMISSION_DENIED", "Service principal " + token.appId()
                    + " is not a user of this workspace" + refusal);
        }
        // Azure Databricks adds a Contributor of the workspace resource on first use, proven by a management token
        return identities.addCloudServicePrincipal(token.appId(), null);
    }

    /** Why the app may not be added to the workspace on the fly, or null when it may. */
    private String autoAddRefusal(EntraToken token, Headers headers, CloudProfile profile) {
        String management = headers.getFirst(AZURE_MANAGEMENT_TOKEN);
        if (management == null || management.isBlank()) {
            return ", and no " + AZURE_MANAGEMENT_TOKEN + " was sent to add it as a Contributor of the workspace";
        }
        EntraToken proof = providers.entra().verify(management.trim());
        if (proof == null || !proof.tenantId().equals(token.tenantId()) || !proof.appId().equals(token.appId())
                || !isManagementAudience(proof.audience())) {
            return ", and the " + AZURE_MANAGEMENT_TOKEN + " is not a live Azure management token (audience "
                    + EntraTokenService.MANAGEMENT_RESOURCE + ") of the same app and tenant";
        }
        String resourceId = headers.getFirst(AZURE_RESOURCE_ID);
        if (profile.azureResourceId() == null || resourceId == null
                || !profile.azureResourceId().equalsIgnoreCase(resourceId.trim())) {
            return ", and the " + AZURE_RESOURCE_ID + " header " + (resourceId == null ? "is missing"
                    : "'" + resourceId + "' does not name this workspace") + " (needed to add it as a Contributor)";
        }
        EntraApp app = providers.entra().directory().app(token.tenantId(), token.appId());
        if (app == null || !app.contributor()) {
            return ", and it has no Contributor role on the workspace resource " + profile.azureResourceId();
        }
        return null;
    }

    private static boolean isManagementAudience(String audience) {
        return EntraTokenService.MANAGEMENT_RESOURCE.equals(audience)
                || "https://management.core.windows.net".equals(audience);
    }

    private Principal gcp(String bearer, Headers headers, CloudProfile profile) {
        GoogleIdToken token = providers.google().verifyIdToken(bearer);
        if (token == null || !sameHost(token.audience(), profile.host())) {
            throw TokenStore.INVALID_TOKEN;
        }
        String accessToken = headers.getFirst(GCP_ACCESS_TOKEN);
        if (accessToken == null || accessToken.isBlank()) {
            throw new ApiException(403, "PERMISSION_DENIED", "Service account " + token.email()
                    + " sent no " + GCP_ACCESS_TOKEN + " header: a Google access token of the same service account "
                    + "is required with its ID token");
        }
        GoogleAccessToken access = providers.google().accessToken(accessToken.trim());
        if (access == null || !access.email().equalsIgnoreCase(token.email())) {
            throw new ApiException(403, "PERMISSION_DENIED", "The " + GCP_ACCESS_TOKEN + " header is not a live "
                    + "Google access token of service account " + token.email());
        }
        Principal user = identities.findUser(token.email());
        if (user == null) {
            user = identities.findServicePrincipal(token.email());
        }
        if (user == null) {
            throw new ApiException(403, "PERMISSION_DENIED", "Service account " + token.email()
                    + " is not a user of this workspace");
        }
        return user;
    }

    private static boolean sameHost(String audience, String host) {
        return host != null && strip(audience).equalsIgnoreCase(strip(host));
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Compact JWS shape (three dot-separated parts starting with a JSON header); opaque tokens never are. */
    static boolean looksLikeJwt(String token) {
        return token != null && token.startsWith("eyJ") && token.chars().filter(c -> c == '.').count() == 2;
    }
}
