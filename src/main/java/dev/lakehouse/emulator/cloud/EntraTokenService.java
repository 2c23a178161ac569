package dev.lakehouse.emulator.cloud;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;

import dev.lakehouse.emulator.http.ApiResponse;
import dev.lakehouse.emulator.http.Json;

/**
 * The emulated Entra ID token endpoint (client credentials, v1 with {@code resource} and v2 with
 * {@code scope=<resource>/.default}) and the check workspaces make of its tokens. Tokens are RS256 JWTs with the
 * claims Azure Databricks reads ({@code iss} of the tenant, {@code aud}, {@code appid}, {@code oid}, {@code tid}).
 */
public final class EntraTokenService {

    /** The application id of the AzureDatabricks first-party app: the audience of workspace tokens. */
    public static final String DATABRICKS_RESOURCE = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";
    /** Azure service management, the audience of the {@code X-Databricks-Azure-SP-Management-Token}. */
    public static final String MANAGEMENT_RESOURCE = "https://management.core.windows.net/";

    /** A verified, live Entra token. */
    public record EntraToken(String tenantId, String appId, String objectId, String audience, Instant expiresAt) { }

    private final EntraDirectory directory;
    private final SigningKey key = new SigningKey("emu-entra-" + UUID.randomUUID().toString().substring(0, 8));
    private final IssuedTokens issued = new IssuedTokens();

    EntraTokenService(EntraDirectory directory) {
        this.directory = directory;
    }

    public EntraDirectory directory() {
        return directory;
    }

    /** Serves one token request; {@code basic} is {id, secret} of an HTTP Basic header, or null. */
    public ApiResponse token(String tenantId, boolean v2, Map<String, String> form, String[] basic, Duration lifetime) {
        if (!directory.tenantExists(tenantId)) {
            return EntraError.of(400, "invalid_request", 90002, "Tenant '" + tenantId + "' not found. Check to make "
                    + "sure you have the correct tenant ID and are signing into the correct cloud. Check with your "
                    + "subscription administrator, this may happen if there are no active subscriptions for the tenant.");
        }
        String grantType = form.get("grant_type");
        if (!"client_credentials".equals(grantType)) {
            return grantType == null || grantType.isEmpty()
                    ? EntraError.of(400, "invalid_request", 900144,
                            "The request body must contain the following parameter: 'grant_type'.")
                    : EntraError.of(400, "unsupported_grant_type", 70003,
                            "The app requested an unsupported grant type '" + grantType + "'.");
        }
        String clientId = basic != null ? basic[0] : form.get("client_id");
        String secret = basic != null ? basic[1] : form.get("client_secret");
        if (clientId == null || clientId.isEmpty()) {
            return EntraError.of(400, "invalid_request", 900144,
                    "The request body must contain the following parameter: 'client_id'.");
        }
        EntraApp app = directory.app(tenantId, clientId);
        if (app == null) {
            return EntraError.of(400, "unauthorized_client", 700016, "Application with identifier '" + clientId
                    + "' was not found in the directory '" + tenantId + "'. This can happen if the application has "
                    + "not been installed by the administrator of the tenant or consented to by any user in the "
                    + "tenant. You may have sent your authentication request to the wrong tenant.");
        }
        if (secret == null || secret.isEmpty()) {
            return EntraError.of(401, "invalid_client", 7000216, "'client_assertion', 'client_secret' or 'request' "
                    + "is required for the 'client_credentials' grant type.");
        }
        if (!app.secretMatches(secret)) {
            return EntraError.of(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret "
                    + "being sent in the request is the client secret value, not the client secret ID, for a secret "
                    + "added to app '" + clientId + "'.");
        }
        if (app.secretExpired(Instant.now())) {
            return EntraError.of(401, "invalid_client", 7000222, "The provided client secret keys for app '"
                    + clientId + "' are expired. Visit the Azure portal to create new keys for your app: "
                    + "https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: "
                    + "https://aka.ms/certCreds.");
        }
        String requested = v2 ? form.get("scope") : form.get("resource");
        String audience = v2 ? scopeAudience(requested) : resourceAudience(requested);
        if (audience == null) {
            return EntraError.of(400, v2 ? "invalid_scope" : "invalid_resource", 500011, "The resource principal "
                    + "named " + (requested == null || requested.isEmpty() ? "(none)" : requested) + " was not found "
                    + "in the tenant named " + tenantId + ". This can happen if the application has not been "
                    + "installed by the administrator of the tenant or consented to by any user in the tenant. You "
                    + "might have sent your authentication request to the wrong tenant.");
        }
        return ApiResponse.json(tokenBody(app, audience, v2 ? audience : requested, v2, lifetime));
    }

    /** v1: the resource exactly as one of the known ones (the trailing slash of management is optional). */
    private static String resourceAudience(String resource) {
        if (DATABRICKS_RESOURCE.equals(resource) || MANAGEMENT_RESOURCE.equals(resource)) {
            return resource;
        }
        return "https://management.core.windows.net".equals(resource) ? resource : null;
    }

    /** v2: one {@code <resource>/.default} scope; the audience is the resource without it. */
    private static String scopeAudience(String scope) {
        if (scope == null || !scope.endsWith("/.default") || scope.trim().contains(" ")) {
            return null;
        }
        String resource = scope.substring(0, scope.length() - "/.default".length());
        if (DATABRICKS_RESOURCE.equals(resource)) {
            return resource;
        }
        // both https://management.core.windows.net//.default and .../.default name service management
        return resource.equals(MANAGEMENT_RESOURCE) || resource.equals("https://management.core.windows.net")
                ? MANAGEMENT_RESOURCE : null;
    }

    private ObjectNode tokenBody(EntraApp app, String audience, String resource, boolean v2, Duration lifetime) {
        Instant now = Instant.now();
        long seconds = Math.max(1, (lifetime.toMillis() + 999) / 1000);
        Instant expires = now.plusSeconds(seconds);
        String uti = UUID.randomUUID().toString().replace("-", "");
        String issuer = issuer(app.tenantId());
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .audience(audience)
                .issuer(issuer)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .claim("appid", app.clientId())
                .claim("appidacr", "1")
                .claim("idp", issuer)
                .claim("oid", app.objectId())
                .subject(app.objectId())
                .claim("tid", app.tenantId())
                .claim("uti", uti)
                .claim("ver", "1.0")
                .build();
        issued.add(uti, new IssuedTokens.Issued(app.clientId(), app.objectId(), audience, expires));
        String token = key.sign(claims);
        ObjectNode body = Json.obj();
        body.put("token_type", "Bearer");
        if (v2) {
            body.put("expires_in", seconds);
            body.put("ext_expires_in", seconds);
        } else {
            body.put("expires_in", String.valueOf(seconds));
            body.put("ext_expires_in", String.valueOf(seconds));
            body.put("expires_on", String.valueOf(expires.getEpochSecond()));
            body.put("not_before", String.valueOf(now.getEpochSecond()));
            body.put("resource", resource);
        }
        body.put("access_token", token);
        return body;
    }

    static String issuer(String tenantId) {
        return "https://sts.windows.net/" + tenantId + "/";
    }

    /**
     * The token when this service signed it, it has not expired or been revoked, and its app still exists (the
     * same registration: a deleted and re-registered app gets a new object id); null otherwise.
     */
    public EntraToken verify(String token) {
        JWTClaimsSet claims = key.verify(token);
        if (claims == null || claims.getExpirationTime() == null || claims.getAudience().size() != 1) {
            return null;
        }
        Instant now = Instant.now();
        if (!now.isBefore(claims.getExpirationTime().toInstant())) {
            return null;
        }
        Object uti = claims.getClaim("uti");
        IssuedTokens.Issued record = issued.find(uti instanceof String s ? s : null);
        Object tid = claims.getClaim("tid");
        Object appId = claims.getClaim("appid");
        Object oid = claims.getClaim("oid");
        if (record == null || !record.live(now) || !(tid instanceof String tenant) || !(appId instanceof String app)
                || !(oid instanceof String objectId)) {
            return null;
        }
        EntraApp current = directory.app(tenant, app);
        if (current == null || !current.objectId().equals(objectId) || !issuer(tenant).equals(claims.getIssuer())) {
            return null;
        }
        return new EntraToken(tenant, app, objectId, claims.getAudience().get(0), claims.getExpirationTime().toInstant());
    }

    /** Every token of the app issued so far is refused from now on. */
    public int revoke(String clientId) {
        return issued.revokeSubject(clientId);
    }

    public Map<String, Object> jwks() {
        return key.jwks();
    }
}
