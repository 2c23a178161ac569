package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.error.platform.PermissionDenied;
import com.databricks.sdk.service.iam.MeRequest;
import com.databricks.sdk.service.sql.ExecuteStatementRequest;
import com.databricks.sdk.service.sql.StatementState;
import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.emulator.EmulatorFixture.Reply;
import dev.lakehouse.emulator.auth.Pkce;

/** OAuth M2M through the SDK and the U2M authorize -> code -> token -> refresh -> revoke flow over raw HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class OAuthFlowsTest {

    private static final String REDIRECT = "http://localhost:8020/callback";

    private EmulatorServer server;
    private Workspace acme;

    @BeforeAll
    void start() {
        server = new EmulatorServer(EmulatorFixture.fastProperties()).start();
        acme = server.workspace("acme");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void discoveryDocumentsPointAtTheWorkspace() throws Exception {
        JsonNode metadata = EmulatorFixture.get(acme.url() + "/.well-known/databricks-config", null).json();
        assertThat(metadata.get("oidc_endpoint").asText()).isEqualTo(acme.url() + "/oidc");
        assertThat(metadata.get("workspace_id").asText()).isEqualTo(acme.settings().workspaceId());
        JsonNode oidc = EmulatorFixture.get(acme.url() + "/oidc/.well-known/oauth-authorization-server", null).json();
        assertThat(oidc.get("token_endpoint").asText()).isEqualTo(acme.url() + "/oidc/v1/token");
        assertThat(oidc.get("authorization_endpoint").asText()).isEqualTo(acme.url() + "/oidc/v1/authorize");
    }

    @Test
    void m2mClientWorksThroughTheSdkAndIsTheServicePrincipal() throws Exception {
        WorkspaceClient w = EmulatorFixture.m2mClient(acme);
        assertThat(w.currentUser().me(new MeRequest()).getUserName()).isEqualTo("acme-m2m-client");
        assertThat(w.statementExecution().executeStatement(new ExecuteStatementRequest().setStatement("SELECT 1")
                .setWarehouseId(acme.settings().warehouseId()).setWaitTimeout("10s")).getStatus().getState())
                .isEqualTo(StatementState.SUCCEEDED);
        assertThat(acme.requestLog().count("POST", "/oidc/v1/token")).isPositive();

        // revoking the service principal's tokens makes the SDK's cached token invalid: 403
        EmulatorFixture.post(acme.url() + "/emulator/admin/tokens/revoke", null, "{\"client_id\":\"acme-m2m-client\"}");
        assertThatThrownBy(() -> w.currentUser().me(new MeRequest())).isInstanceOf(PermissionDenied.class)
                .hasMessageContaining("Invalid access token.");
    }

    @Test
    void wrongClientSecretIsRejected() throws Exception {
        WorkspaceClient w = new WorkspaceClient(new DatabricksConfig().setHost(acme.url()).setClientId("acme-m2m-client")
                .setClientSecret("wrong").setAuthType("oauth-m2m"));
        assertThatThrownBy(() -> w.currentUser().me(new MeRequest())).hasStackTraceContaining("invalid_client");
        Reply reply = form(acme.url() + "/oidc/v1/token", Map.of("grant_type", "client_credentials"),
                "Basic " + Base64.getEncoder().encodeToString("acme-m2m-client:wrong".getBytes(StandardCharsets.UTF_8)));
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().get("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void authorizationCodeFlowWithPkceRefreshRotationAndRevocation() throws Exception {
        String verifier = "verifier-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG";
        String challenge = Pkce.s256(verifier);
        String query = "response_type=code&client_id=databricks-cli&redirect_uri=" + enc(REDIRECT)
                + "&scope=" + enc("all-apis offline_access") + "&state=xyz123&code_challenge=" + challenge
                + "&code_challenge_method=S256";

        Reply page = EmulatorFixture.get(acme.url() + "/oidc/v1/authorize?" + query, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("<form", "name=\"password\"", "value=\"allow\"", "xyz123");

        Map<String, String> login = new java.util.HashMap<>(Map.of("response_type", "code", "client_id", "databricks-cli",
                "redirect_uri", REDIRECT, "scope", "all-apis offline_access", "state", "xyz123", "code_challenge", challenge,
                "code_challenge_method", "S256", "username", "alice@acme.example", "password", "wrong"));
        login.put("decision", "allow");
        Reply badLogin = form(acme.url() + "/oidc/v1/authorize", login, null);
        assertThat(badLogin.status()).isEqualTo(401);
        assertThat(badLogin.body()).contains("Invalid user name or password");

        Map<String, String> denied = new java.util.HashMap<>(login);
        denied.put("decision", "deny");
        Reply deniedReply = form(acme.url() + "/oidc/v1/authorize", denied, null);
        assertThat(deniedReply.status()).isEqualTo(302);
        assertThat(deniedReply.header("Location")).startsWith(REDIRECT + "?error=access_denied").contains("state=xyz123");

        Map<String, String> allowed = new java.util.HashMap<>(login);
        allowed.put("password", "acme-password");
        Reply redirect = form(acme.url() + "/oidc/v1/authorize", allowed, null);
        assertThat(redirect.status()).isEqualTo(302);
        URI location = URI.create(redirect.header("Location"));
        Map<String, String> params = queryParams(location.getRawQuery());
        assertThat(params).containsEntry("state", "xyz123");
        String code = params.get("code");

        Reply wrongVerifier = form(acme.url() + "/oidc/v1/token", Map.of("grant_type", "authorization_code", "code", code,
                "code_verifier", "not-the-verifier", "redirect_uri", REDIRECT, "client_id", "databricks-cli"), null);
        assertThat(wrongVerifier.status()).isEqualTo(400);
        assertThat(wrongVerifier.json().get("error").asText()).isEqualTo("invalid_grant");

        // the code is single-use: a failed exchange consumed it, so run the authorization again
        Reply again = form(acme.url() + "/oidc/v1/authorize", allowed, null);
        code = queryParams(URI.create(again.header("Location")).getRawQuery()).get("code");
        Reply tokens = form(acme.url() + "/oidc/v1/token", Map.of("grant_type", "authorization_code", "code", code,
                "code_verifier", verifier, "redirect_uri", REDIRECT, "client_id", "databricks-cli"), null);
        assertThat(tokens.status()).isEqualTo(200);
        String access = tokens.json().get("access_token").asText();
        String refresh = tokens.json().get("refresh_token").asText();
        assertThat(tokens.json().get("expires_in").asLong()).isGreaterThan(60);
        assertThat(EmulatorFixture.get(acme.url() + "/api/2.0/preview/scim/v2/Me", access).json().get("userName").asText())
                .isEqualTo("alice@acme.example");

        Reply reused = form(acme.url() + "/oidc/v1/token", Map.of("grant_type", "authorization_code", "code", code,
                "code_verifier", verifier, "redirect_uri", REDIRECT, "client_id", "databricks-cli"), null);
        assertThat(reused.status()).isEqualTo(400);

        Reply refreshed = form(acme.url() + "/oidc/v1/token", Map.of("grant_type", "refresh_token",
                "refresh_token", refresh, "client_id", "databricks-cli"), null);
        assertThat(refreshed.status()).isEqualTo(200);
        String rotated = refreshed.json().get("refresh_token").asText();
        assertThat(rotated).isNotEqualTo(refresh);

        Reply oldRefresh = form(acme.url() + "/oidc/v1/token", Map.of("grant_type", "refresh_token",
                "refresh_token", refresh, "client_id", "databricks-cli"), null);
        assertThat(oldRefresh.status()).isEqualTo(400);
        assertThat(oldRefresh.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(oldRefresh.json().get("error_description").asText()).contains("already been used");

        Reply revoke = EmulatorFixture.post(acme.url() + "/emulator/admin/tokens/revoke", null,
                "{\"token\":\"" + rotated + "\"}");
        assertThat(revoke.json().get("revoked").asInt()).isEqualTo(1);
        Reply revoked = form(acme.url() + "/oidc/v1/token", Map.of("grant_type", "refresh_token",
                "refresh_token", rotated, "client_id", "databricks-cli"), null);
        assertThat(revoked.status()).isEqualTo(400);
        assertThat(revoked.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(revoked.json().get("error_description").asText()).contains("revoked");
    }

    @Test
    void authorizeRejectsUnregisteredRedirectAndRequiresPkce() throws Exception {
        Reply badRedirect = EmulatorFixture.get(acme.url() + "/oidc/v1/authorize?response_type=code&client_id=databricks-cli"
                + "&redirect_uri=" + enc("http://evil.example/cb") + "&code_challenge=x&code_challenge_method=S256", null);
        assertThat(badRedirect.status()).isEqualTo(400);
        assertThat(badRedirect.body()).contains("not registered");
        Reply noPkce = EmulatorFixture.get(acme.url() + "/oidc/v1/authorize?response_type=code&client_id=databricks-cli"
                + "&redirect_uri=" + enc(REDIRECT) + "&state=s", null);
        assertThat(noPkce.status()).isEqualTo(302);
        assertThat(noPkce.header("Location")).contains("error=invalid_request");
    }

    @Test
    void expiredAccessTokensAreRejected() throws Exception {
        Reply minted = EmulatorFixture.post(acme.url() + "/emulator/admin/pats", null, "{\"lifetime_seconds\":3600}");
        String token = minted.json().get("token").asText();
        assertThat(EmulatorFixture.get(acme.url() + "/api/2.0/preview/scim/v2/Me", token).status()).isEqualTo(200);
        EmulatorFixture.post(acme.url() + "/emulator/admin/tokens/expire", null, "{\"token\":\"" + token + "\"}");
        Reply expired = EmulatorFixture.get(acme.url() + "/api/2.0/preview/scim/v2/Me", token);
        assertThat(expired.status()).isEqualTo(403);
        assertThat(expired.json().get("error_code").isInt()).isTrue();
        assertThat(expired.json().get("message").asText()).isEqualTo("Invalid access token.");
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
        return java.util.Arrays.stream(rawQuery.split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> java.net.URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p -> java.net.URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
