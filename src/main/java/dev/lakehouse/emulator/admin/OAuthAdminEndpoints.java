package dev.lakehouse.emulator.admin;

import java.time.Duration;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.auth.OAuthSettings;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.Router;

/**
 * The OAuth life-cycle part of the admin API: the workspace's token policy. Registered on the same admin router
 * as {@link AdminEndpoints}, so it is just as loopback-only.
 */
public final class OAuthAdminEndpoints {

    private static final String PREFIX = AdminEndpoints.PREFIX;
    private static final Set<String> OAUTH_FIELDS = Set.of("rotate_refresh_tokens", "access_token_lifetime_seconds",
            "refresh_token_lifetime_seconds");

    private final OAuthSettings oauth;

    public OAuthAdminEndpoints(OAuthSettings oauth) {
        this.oauth = oauth;
    }

    public void register(Router router) {
        router.addPublic("GET", PREFIX + "/oauth", r -> oauthSettings(oauth.current()));
        router.addPublic("PUT", PREFIX + "/oauth", this::updateOAuth);
        router.addPublic("DELETE", PREFIX + "/oauth", r -> oauthSettings(oauth.reset()));
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
}
