package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.emulator.EmulatorFixture.Reply;
import dev.lakehouse.emulator.auth.Pkce;

/**
 * The admin API that makes every OAuth connection state reachable: token policy, app integrations, service
 * principal secrets, users, broken grants, token endpoint counters and outages. Real HTTP against a started
 * emulator; where natural the official SDK proves that a client sees what it would see on Databricks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class OAuthLifecycleAdminTest {

    private static final String REDIRECT = "http://localhost:8020/callback";
    private static final String VERIFIER = "lifecycle-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";

    private EmulatorServer server;
    private Workspace acme;
    private String admin;

    @BeforeAll
    void start() {
        server = new EmulatorServer(EmulatorFixture.fastProperties()).start();
        acme = server.workspace("acme");
        admin = acme.url() + "/emulator/admin";
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @AfterEach
    void resetPolicy() throws Exception {
        EmulatorFixture.delete(admin + "/oauth");
    }

    // --- token policy -------------------------------------------------------------------------------------------

    @Test
    void tokenPolicyStartsFromThePropertiesAndChangesAtRuntime() throws Exception {
        JsonNode initial = EmulatorFixture.get(admin + "/oauth", null).json();
        assertThat(initial.get("rotate_refresh_tokens").asBoolean()).isTrue();
        assertThat(initial.get("access_token_lifetime_seconds").asLong()).isEqualTo(3600);
        assertThat(initial.get("refresh_token_lifetime_seconds").asLong()).isEqualTo(86400);

        Reply changed = EmulatorFixture.put(admin + "/oauth", "{\"access_token_lifetime_seconds\":120}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().get("access_token_lifetime_seconds").asLong()).isEqualTo(120);
        assertThat(changed.json().get("rotate_refresh_tokens").asBoolean()).as("absent field unchanged").isTrue();
        assertThat(changed.json().get("refresh_token_lifetime_seconds").asLong()).isEqualTo(86400);
        JsonNode m2m = clientCredentials("acme-m2m-client", "acme-m2m-secret").json();
        assertThat(m2m.get("expires_in").asLong()).isBetween(100L, 120L);

        // rotation off: the refresh token is reusable and comes back unchanged
        EmulatorFixture.put(admin + "/oauth", "{\"rotate_refresh_tokens\":false}");
        JsonNode grant = authorize("databricks-cli", null, "alice@acme.example", "acme-password");
        String refresh = grant.get("refresh_token").asText();
        for (int i = 0; i < 2; i++) {
            Reply refreshed = refresh("databricks-cli", null, refresh);
            assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
            assertThat(refreshed.json().get("refresh_token").asText()).isEqualTo(refresh);
            assertThat(refreshed.json().get("expires_in").asLong()).isBetween(100L, 120L);
        }

        // rotation on again: one use, then "already been used", also after switching rotation off once more
        EmulatorFixture.put(admin + "/oauth", "{\"rotate_refresh_tokens\":true}");
        assertThat(refresh("databricks-cli", null, refresh).status()).isEqualTo(200);
        assertThat(refresh("databricks-cli", null, refresh).json().get("error_description").asText())
                .contains("already been used");
        EmulatorFixture.put(admin + "/oauth", "{\"rotate_refresh_tokens\":false}");
        Reply spent = refresh("databricks-cli", null, refresh);
        assertThat(spent.status()).isEqualTo(400);
        assertThat(spent.json().get("error").asText()).isEqualTo("invalid_grant");

        JsonNode reset = EmulatorFixture.delete(admin + "/oauth").json();
        assertThat(reset).isEqualTo(initial);
    }

    @Test
    void shortRefreshTokenLifetimeMakesTheGrantExpire() throws Exception {
        EmulatorFixture.put(admin + "/oauth", "{\"refresh_token_lifetime_seconds\":1}");
        String refresh = authorize("databricks-cli", null, "alice@acme.example", "acme-password")
                .get("refresh_token").asText();
        Thread.sleep(1_200);
        Reply expired = refresh("databricks-cli", null, refresh);
        assertThat(expired.status()).isEqualTo(400);
        assertThat(expired.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(expired.json().get("error_description").asText()).isEqualTo("Refresh token has expired");
    }

    @Test
    void invalidTokenPolicyIsRejectedAndChangesNothing() throws Exception {
        JsonNode before = EmulatorFixture.get(admin + "/oauth", null).json();
        for (String bad : new String[] {
                "{\"access_token_lifetime_seconds\":60,\"rotate\":false}",
                "{\"access_token_lifetime_seconds\":\"60\"}",
                "{\"access_token_lifetime_seconds\":0}",
                "{\"refresh_token_lifetime_seconds\":1.5}",
                "{\"refresh_token_lifetime_seconds\":99999999999}",
                "{\"access_token_lifetime_seconds\":60,\"rotate_refresh_tokens\":\"false\"}"}) {
            Reply reply = EmulatorFixture.put(admin + "/oauth", bad);
            assertThat(reply.status()).as(bad).isEqualTo(400);
            assertThat(reply.json().get("error_code").asText()).as(bad).isEqualTo("INVALID_PARAMETER_VALUE");
            assertThat(reply.json().get("message").asText()).as(bad).isNotBlank();
        }
        assertThat(EmulatorFixture.put(admin + "/oauth", "[1]").status()).isEqualTo(400);
        assertThat(EmulatorFixture.get(admin + "/oauth", null).json()).isEqualTo(before);
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    /** Runs the whole authorize page + code exchange for a user; returns the token response. */
    private JsonNode authorize(String clientId, String clientSecret, String user, String password) throws Exception {
        Reply redirect = login(clientId, REDIRECT, user, password);
        assertThat(redirect.status()).as(redirect.body()).isEqualTo(302);
        String code = queryParams(URI.create(redirect.header("Location")).getRawQuery()).get("code");
        Map<String, String> fields = new LinkedHashMap<>(Map.of("grant_type", "authorization_code", "code", code,
                "code_verifier", VERIFIER, "redirect_uri", REDIRECT, "client_id", clientId));
        if (clientSecret != null) {
            fields.put("client_secret", clientSecret);
        }
        Reply tokens = form(acme.url() + "/oidc/v1/token", fields, null);
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        return tokens.json();
    }

    private Reply login(String clientId, String redirectUri, String user, String password) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>(Map.of("response_type", "code", "client_id", clientId,
                "redirect_uri", redirectUri, "scope", "all-apis offline_access", "state", "st4te",
                "code_challenge", Pkce.s256(VERIFIER), "code_challenge_method", "S256", "username", user,
                "password", password));
        fields.put("decision", "allow");
        return form(acme.url() + "/oidc/v1/authorize", fields, null);
    }

    private Reply authorizePage(String clientId, String redirectUri) throws Exception {
        return EmulatorFixture.get(acme.url() + "/oidc/v1/authorize?response_type=code&client_id=" + enc(clientId)
                + "&redirect_uri=" + enc(redirectUri) + "&scope=" + enc("all-apis offline_access") + "&state=s"
                + "&code_challenge=" + Pkce.s256(VERIFIER) + "&code_challenge_method=S256", null);
    }

    private Reply refresh(String clientId, String clientSecret, String refreshToken) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>(Map.of("grant_type", "refresh_token",
                "refresh_token", refreshToken, "client_id", clientId));
        if (clientSecret != null) {
            fields.put("client_secret", clientSecret);
        }
        return form(acme.url() + "/oidc/v1/token", fields, null);
    }

    private Reply clientCredentials(String clientId, String secret) throws Exception {
        return form(acme.url() + "/oidc/v1/token", Map.of("grant_type", "client_credentials", "scope", "all-apis"),
                "Basic " + java.util.Base64.getEncoder().encodeToString((clientId + ":" + secret)
                        .getBytes(StandardCharsets.UTF_8)));
    }

    private static Reply form(String url, Map<String, String> fields, String authorization) throws Exception {
        String body = fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return EmulatorFixture.send(b.build());
    }

    private static Map<String, String> queryParams(String rawQuery) {
        return Arrays.stream(rawQuery.split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
