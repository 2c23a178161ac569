package dev.lakehouse.emulator.admin;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.auth.IdentityDirectory;
import dev.lakehouse.emulator.auth.IdentityDirectory.OAuthApp;
import dev.lakehouse.emulator.auth.OAuthSettings;
import dev.lakehouse.emulator.auth.Principal;
import dev.lakehouse.emulator.auth.TokenStore;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.Router;

/**
 * The OAuth life-cycle part of the admin API: the workspace's token policy, its OAuth app integrations, its
 * service principals (M2M clients), its users and their grants.
 * Registered on the same admin router as {@link AdminEndpoints}, so it is just as loopback-only.
 */
public final class OAuthAdminEndpoints {

    private static final String PREFIX = AdminEndpoints.PREFIX;
    private static final Set<String> OAUTH_FIELDS = Set.of("rotate_refresh_tokens", "access_token_lifetime_seconds",
            "refresh_token_lifetime_seconds");
    private static final Set<String> GRANT_FIELDS = Set.of("user_name", "client_id");
    private static final Set<String> USER_FIELDS = Set.of("user_name", "password", "display_name");
    private static final Pattern USER_NAME = Pattern.compile("\\S{1,200}");
    private static final Set<String> SP_FIELDS = Set.of("client_id", "client_secret", "display_name");
    private static final Set<String> SECRET_FIELDS = Set.of("client_secret");
    private static final Set<String> APP_FIELDS = Set.of("client_id", "client_secret", "redirect_uris", "confidential");
    /** Client ids end up in admin paths and HTTP Basic credentials: keep them to URL-safe characters, no colon. */
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._~-]{1,200}");
    /** Databricks OAuth secrets start with "dose". */
    private static final String SECRET_PREFIX = "dose";

    private final OAuthSettings oauth;
    private final IdentityDirectory identities;
    private final TokenStore tokens;

    public OAuthAdminEndpoints(OAuthSettings oauth, IdentityDirectory identities, TokenStore tokens) {
        this.oauth = oauth;
        this.identities = identities;
        this.tokens = tokens;
    }

    public void register(Router router) {
        router.addPublic("GET", PREFIX + "/oauth", r -> oauthSettings(oauth.current()));
        router.addPublic("PUT", PREFIX + "/oauth", this::updateOAuth);
        router.addPublic("DELETE", PREFIX + "/oauth", r -> oauthSettings(oauth.reset()));
        router.addPublic("GET", PREFIX + "/oauth-apps", r -> listApps());
        router.addPublic("POST", PREFIX + "/oauth-apps", this::createApp);
        router.addPublic("DELETE", PREFIX + "/oauth-apps/{client_id}", this::deleteApp);
        router.addPublic("POST", PREFIX + "/grants/revoke", this::revokeGrants);
        router.addPublic("GET", PREFIX + "/users", r -> listUsers());
        router.addPublic("POST", PREFIX + "/users", this::createUser);
        router.addPublic("GET", PREFIX + "/service-principals", r -> listServicePrincipals());
        router.addPublic("POST", PREFIX + "/service-principals", this::createServicePrincipal);
        router.addPublic("POST", PREFIX + "/service-principals/{client_id}/secret", this::rotateSecret);
    }

    private static ObjectNode oauthSettings(OAuthSettings.Values values) {
        ObjectNode body = Json.obj();
        body.put("rotate_refresh_tokens", values.rotateRefreshTokens());
        body.put("access_token_lifetime_seconds", wholeSeconds(values.accessTokenLifetime()));
        body.put("refresh_token_lifetime_seconds", wholeSeconds(values.refreshTokenLifetime()));
        return body;
    }

    /** Rounded up, so a sub-second property never reads as the invalid value 0. */
    private static long wholeSeconds(Duration duration) {
        return (duration.toMillis() + 999) / 1000;
    }

    private Object updateOAuth(ApiRequest request) {
        JsonNode body = request.json();
        AdminBodies.onlyFields(body, OAUTH_FIELDS);
        Boolean rotate = AdminBodies.booleanField(body, "rotate_refresh_tokens");
        Long access = AdminBodies.integerField(body, "access_token_lifetime_seconds", 1, Integer.MAX_VALUE);
        Long refresh = AdminBodies.integerField(body, "refresh_token_lifetime_seconds", 1, Integer.MAX_VALUE);
        return oauthSettings(oauth.update(rotate, access == null ? null : Duration.ofSeconds(access),
                refresh == null ? null : Duration.ofSeconds(refresh)));
    }

    private ObjectNode listApps() {
        ObjectNode body = Json.obj();
        ArrayNode list = body.putArray("apps");
        identities.apps().forEach(app -> list.add(appJson(app, false)));
        return body;
    }

    private static ObjectNode appJson(OAuthApp app, boolean withSecret) {
        ObjectNode node = Json.obj();
        node.put("client_id", app.clientId());
        if (withSecret && app.confidential()) {
            node.put("client_secret", app.clientSecret());
        }
        node.put("confidential", app.confidential());
        ArrayNode uris = node.putArray("redirect_uris");
        app.redirectUris().forEach(uris::add);
        node.put("source", app.source().name().toLowerCase(Locale.ROOT));
        return node;
    }

    /** Confidential unless {@code confidential: false}; a confidential app without a secret gets a random one. */
    private Object createApp(ApiRequest request) {
        JsonNode body = request.json();
        AdminBodies.onlyFields(body, APP_FIELDS);
        String clientId = clientIdField(body);
        String secret = AdminBodies.stringField(body, "client_secret");
        Boolean confidentialField = AdminBodies.booleanField(body, "confidential");
        List<String> redirectUris = redirectUris(body);
        boolean confidential = confidentialField == null || confidentialField;
        if (!confidential && secret != null) {
            throw ApiException.invalidParameter("A public app (confidential: false) has no client_secret");
        }
        OAuthApp app = identities.addApp(new OAuthApp(clientId != null ? clientId : UUID.randomUUID().toString(),
                !confidential ? null : secret != null ? secret : TokenStore.randomToken(SECRET_PREFIX),
                redirectUris, IdentityDirectory.Source.ADMIN));
        return appJson(app, true);
    }

    /**
     * Deleting an app makes its token requests {@code invalid_client} and the authorize page refuse it. Its refresh
     * tokens and pending codes are revoked too, so an app re-created under the same client id starts without
     * grants; access tokens already issued stay valid until they expire.
     */
    private Object deleteApp(ApiRequest request) {
        String clientId = request.pathParam("client_id");
        if (!identities.removeApp(clientId)) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "OAuth app '" + clientId + "' does not exist");
        }
        tokens.revokeWhere(r -> r.kind() == TokenStore.Kind.REFRESH && clientId.equals(r.clientId()));
        tokens.discardCodesWhere(c -> clientId.equals(c.clientId()));
        return Json.obj();
    }

    /**
     * Breaks grants: revokes every OAuth access and refresh token of the user (all apps, or only {@code client_id}),
     * or of the app alone when no user is given, and drops their pending authorization codes. The next refresh is
     * {@code invalid_grant "Refresh token has been revoked"}, API calls with the access tokens the real 403. PATs are
     * not grants and stay valid.
     */
    private Object revokeGrants(ApiRequest request) {
        JsonNode body = request.json();
        AdminBodies.onlyFields(body, GRANT_FIELDS);
        String userName = AdminBodies.stringField(body, "user_name");
        String clientId = AdminBodies.stringField(body, "client_id");
        if (userName == null && clientId == null) {
            throw ApiException.invalidParameter("Missing required field: user_name or client_id");
        }
        if (userName != null && identities.findUser(userName) == null) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "User '" + userName + "' does not exist");
        }
        // a deleted app's id is still accepted while tokens issued to it exist
        if (clientId != null && !identities.knowsClient(clientId) && !tokens.knowsClient(clientId)) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST",
                    "No OAuth app, service principal or token with client_id '" + clientId + "'");
        }
        Predicate<Principal> ofUser = p -> userName == null
                || (p.kind() == Principal.Kind.USER && p.userName().equalsIgnoreCase(userName));
        Predicate<String> ofClient = id -> clientId == null || clientId.equals(id);
        int revoked = tokens.revokeWhere(r -> r.kind() != TokenStore.Kind.PAT && ofUser.test(r.principal())
                && ofClient.test(r.clientId()));
        tokens.discardCodesWhere(c -> ofUser.test(c.principal()) && ofClient.test(c.clientId()));
        return Json.obj().put("revoked", revoked);
    }

    private ObjectNode listUsers() {
        ObjectNode body = Json.obj();
        ArrayNode list = body.putArray("users");
        identities.users().forEach(u -> list.add(userJson(u)));
        return body;
    }

    private static ObjectNode userJson(IdentityDirectory.UserAccount account) {
        ObjectNode node = Json.obj();
        node.put("user_name", account.principal().userName());
        node.put("display_name", account.principal().displayName());
        node.put("id", account.principal().id());
        node.put("source", account.source().name().toLowerCase(Locale.ROOT));
        return node;
    }

    /** A user who can log in on the authorize page; the password is never echoed. */
    private Object createUser(ApiRequest request) {
        JsonNode body = request.json();
        AdminBodies.onlyFields(body, USER_FIELDS);
        String userName = AdminBodies.requiredString(body, "user_name");
        String password = AdminBodies.requiredString(body, "password");
        String displayName = AdminBodies.stringField(body, "display_name");
        if (!USER_NAME.matcher(userName).matches()) {
            throw ApiException.invalidParameter("user_name must be 1 to 200 characters without whitespace, got '"
                    + userName + "'");
        }
        return userJson(identities.addUser(userName, password, displayName));
    }

    private ObjectNode listServicePrincipals() {
        ObjectNode body = Json.obj();
        ArrayNode list = body.putArray("service_principals");
        identities.servicePrincipals().forEach(sp -> list.add(servicePrincipalJson(sp, false)));
        return body;
    }

    private static ObjectNode servicePrincipalJson(IdentityDirectory.ServicePrincipal sp, boolean withSecret) {
        ObjectNode node = Json.obj();
        node.put("client_id", sp.clientId());
        if (withSecret) {
            node.put("client_secret", sp.clientSecret());
        }
        node.put("display_name", sp.principal().displayName());
        node.put("id", sp.principal().id());
        node.put("source", sp.source().name().toLowerCase(Locale.ROOT));
        return node;
    }

    /** A fresh M2M client: id a UUID (Databricks application ids are) and secret random unless given. */
    private Object createServicePrincipal(ApiRequest request) {
        JsonNode body = request.json();
        AdminBodies.onlyFields(body, SP_FIELDS);
        String clientId = clientIdField(body);
        String secret = AdminBodies.stringField(body, "client_secret");
        String displayName = AdminBodies.stringField(body, "display_name");
        return servicePrincipalJson(identities.addServicePrincipal(
                clientId != null ? clientId : UUID.randomUUID().toString(),
                secret != null ? secret : TokenStore.randomToken(SECRET_PREFIX), displayName), true);
    }

    /**
     * Replaces the service principal's secret (random unless given); the old one is {@code invalid_client} from now
     * on. Access tokens already issued stay valid until they expire, as on Databricks.
     */
    private Object rotateSecret(ApiRequest request) {
        String clientId = request.pathParam("client_id");
        JsonNode body = request.json();
        AdminBodies.onlyFields(body, SECRET_FIELDS);
        String secret = AdminBodies.stringField(body, "client_secret");
        IdentityDirectory.ServicePrincipal rotated = identities.rotateSecret(clientId,
                secret != null ? secret : TokenStore.randomToken(SECRET_PREFIX));
        if (rotated == null) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Service principal '" + clientId + "' does not exist");
        }
        ObjectNode answer = Json.obj();
        answer.put("client_id", rotated.clientId());
        answer.put("client_secret", rotated.clientSecret());
        return answer;
    }

    private static String clientIdField(JsonNode body) {
        String clientId = AdminBodies.stringField(body, "client_id");
        if (clientId != null && !CLIENT_ID.matcher(clientId).matches()) {
            throw ApiException.invalidParameter("client_id may only contain letters, digits and . _ ~ - "
                    + "(at most 200), got '" + clientId + "'");
        }
        return clientId;
    }

    /** A non-empty array of absolute URIs without fragment (RFC 6749 section 3.1.2). */
    private static List<String> redirectUris(JsonNode body) {
        JsonNode node = body.get("redirect_uris");
        if (node == null || node.isNull()) {
            throw ApiException.invalidParameter("Missing required field: redirect_uris");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ApiException.invalidParameter("redirect_uris must be a non-empty array of absolute URIs, got " + node);
        }
        List<String> uris = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw ApiException.invalidParameter("redirect_uris must contain strings, got " + item);
            }
            String text = item.textValue();
            try {
                URI uri = new URI(text);
                if (!uri.isAbsolute() || uri.getFragment() != null) {
                    throw ApiException.invalidParameter("Redirect URI '" + text
                            + "' must be absolute (scheme://...) and have no #fragment");
                }
            } catch (URISyntaxException e) {
                throw ApiException.invalidParameter("Redirect URI '" + text + "' is not a valid URI: " + e.getReason());
            }
            uris.add(text);
        }
        return uris;
    }
}
