package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.error.platform.PermissionDenied;
import com.databricks.sdk.service.iam.MeRequest;
import com.databricks.sdk.service.iam.User;
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
        EmulatorProperties properties = EmulatorFixture.fastProperties();
        properties.getWorkspaces().get("acme").setUsers(List.of(
                new EmulatorProperties.User("bob@acme.example", "bob-password", "Bob Builder")));
        server = new EmulatorServer(properties).start();
        acme = server.workspace("acme");
        admin = acme.url() + "/emulator/admin";
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @AfterEach
    void resetPolicyAndFaults() throws Exception {
        EmulatorFixture.delete(admin + "/oauth");
        EmulatorFixture.delete(admin + "/faults");
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

    // --- OAuth app integrations ---------------------------------------------------------------------------------

    @Test
    void appIntegrationsAreCreatedUsedAndDeleted() throws Exception {
        JsonNode configured = app(EmulatorFixture.get(admin + "/oauth-apps", null).json(), "databricks-cli");
        assertThat(configured.get("source").asText()).isEqualTo("properties");
        assertThat(configured.get("confidential").asBoolean()).isFalse();
        assertThat(configured.get("redirect_uris").toString()).contains(REDIRECT);

        String callback = "https://gateway.example/oauth/callback";
        Reply created = EmulatorFixture.post(admin + "/oauth-apps", null, "{\"redirect_uris\":[\"" + callback + "\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String clientId = created.json().get("client_id").asText();
        String secret = created.json().get("client_secret").asText();
        assertThat(clientId).matches("[0-9a-f-]{36}");
        assertThat(secret).startsWith("dose").hasSizeGreaterThan(20);
        assertThat(created.json().get("confidential").asBoolean()).isTrue();
        Reply listed = EmulatorFixture.get(admin + "/oauth-apps", null);
        assertThat(app(listed.json(), clientId).get("source").asText()).isEqualTo("admin");
        assertThat(listed.body()).doesNotContain(secret).doesNotContain("client_secret");

        // redirect URIs are matched exactly; an unregistered one gets an error page, never a redirect
        assertThat(authorizePage(clientId, callback).status()).isEqualTo(200);
        for (String unregistered : new String[] {REDIRECT, callback + "/x", callback + "?a=b", "https://gateway.example/oauth"}) {
            Reply refused = authorizePage(clientId, unregistered);
            assertThat(refused.status()).as(unregistered).isEqualTo(400);
            assertThat(refused.header("Location")).as(unregistered).isNull();
            assertThat(refused.body()).contains("not registered");
        }

        // confidential: the code exchange and the refresh need the secret
        Reply noSecret = exchange(clientId, null, callback, code(clientId, callback, "alice@acme.example", "acme-password"));
        assertThat(noSecret.status()).isEqualTo(401);
        assertThat(noSecret.json().get("error").asText()).isEqualTo("invalid_client");
        JsonNode grant = authorize(clientId, secret, callback, "alice@acme.example", "acme-password");
        assertThat(refresh(clientId, "wrong", grant.get("refresh_token").asText()).status()).isEqualTo(401);
        Reply refreshed = refresh(clientId, secret, grant.get("refresh_token").asText());
        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        String code = code(clientId, callback, "alice@acme.example", "acme-password");

        assertThat(EmulatorFixture.delete(admin + "/oauth-apps/" + clientId).status()).isEqualTo(200);
        for (Reply gone : new Reply[] {refresh(clientId, secret, refreshed.json().get("refresh_token").asText()),
                exchange(clientId, secret, callback, code)}) {
            assertThat(gone.status()).isEqualTo(401);
            assertThat(gone.json().get("error").asText()).isEqualTo("invalid_client");
        }
        Reply refusedPage = authorizePage(clientId, callback);
        assertThat(refusedPage.status()).isEqualTo(400);
        assertThat(refusedPage.header("Location")).isNull();
        assertThat(refusedPage.body()).contains("Unknown OAuth client");
        assertThat(login(clientId, callback, "alice@acme.example", "acme-password").status()).isEqualTo(400);
        assertThat(EmulatorFixture.get(admin + "/oauth-apps", null).body()).doesNotContain(clientId);
        Reply again = EmulatorFixture.delete(admin + "/oauth-apps/" + clientId);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    }

    @Test
    void publicAppHasNoSecretAndUsesPkceOnly() throws Exception {
        String callback = "http://127.0.0.1:7777/cb";
        Reply created = EmulatorFixture.post(admin + "/oauth-apps", null,
                "{\"client_id\":\"gateway-public\",\"redirect_uris\":[\"" + callback + "\"],\"confidential\":false}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().has("client_secret")).isFalse();
        assertThat(created.json().get("confidential").asBoolean()).isFalse();
        JsonNode grant = authorize("gateway-public", null, callback, "alice@acme.example", "acme-password");
        assertThat(refresh("gateway-public", null, grant.get("refresh_token").asText()).status()).isEqualTo(200);
        EmulatorFixture.delete(admin + "/oauth-apps/gateway-public");
    }

    @Test
    void invalidAppsAreRejectedAndChangeNothing() throws Exception {
        String before = EmulatorFixture.get(admin + "/oauth-apps", null).body();
        String ok = "\"redirect_uris\":[\"https://ok.example/cb\"]";
        Map<String, Integer> cases = new LinkedHashMap<>();
        cases.put("{}", 400);
        cases.put("{\"redirect_uris\":[]}", 400);
        cases.put("{\"redirect_uris\":\"https://ok.example/cb\"}", 400);
        cases.put("{\"redirect_uris\":[\"callback\"]}", 400);
        cases.put("{\"redirect_uris\":[\"https://ok.example/cb#frag\"]}", 400);
        cases.put("{\"redirect_uris\":[\"https://ok.example/a b\"]}", 400);
        cases.put("{\"redirect_uris\":[1]}", 400);
        cases.put("{\"redirect_uri\":[\"https://ok.example/cb\"]}", 400);
        cases.put("{" + ok + ",\"confidential\":\"yes\"}", 400);
        cases.put("{" + ok + ",\"confidential\":false,\"client_secret\":\"s\"}", 400);
        cases.put("{" + ok + ",\"client_secret\":\"\"}", 400);
        cases.put("{" + ok + ",\"client_id\":\"a:b\"}", 400);
        cases.put("{" + ok + ",\"client_id\":42}", 400);
        cases.put("{" + ok + ",\"client_id\":\"databricks-cli\"}", 409);
        cases.put("{" + ok + ",\"client_id\":\"acme-m2m-client\"}", 409);
        cases.forEach((body, status) -> {
            try {
                Reply reply = EmulatorFixture.post(admin + "/oauth-apps", null, body);
                assertThat(reply.status()).as(body + " -> " + reply.body()).isEqualTo(status);
                assertThat(reply.json().get("error_code").asText()).as(body)
                        .isEqualTo(status == 400 ? "INVALID_PARAMETER_VALUE" : "RESOURCE_ALREADY_EXISTS");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(EmulatorFixture.get(admin + "/oauth-apps", null).body()).isEqualTo(before);
    }

    // --- service principals -------------------------------------------------------------------------------------

    @Test
    void rotatedSecretLocksTheOldOneOutOfTheSdk() throws Exception {
        Reply created = EmulatorFixture.post(admin + "/service-principals", null, "{\"display_name\":\"gateway vault\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String clientId = created.json().get("client_id").asText();
        String oldSecret = created.json().get("client_secret").asText();
        assertThat(clientId).matches("[0-9a-f-]{36}");
        assertThat(oldSecret).startsWith("dose");
        WorkspaceClient before = m2m(clientId, oldSecret);
        User me = before.currentUser().me(new MeRequest());
        assertThat(me.getUserName()).isEqualTo(clientId);
        assertThat(me.getDisplayName()).isEqualTo("gateway vault");
        Reply listed = EmulatorFixture.get(admin + "/service-principals", null);
        assertThat(listed.body()).contains(clientId, "acme-m2m-client").doesNotContain(oldSecret);

        Reply rotated = EmulatorFixture.post(admin + "/service-principals/" + clientId + "/secret", null, "");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String newSecret = rotated.json().get("client_secret").asText();
        assertThat(newSecret).startsWith("dose").isNotEqualTo(oldSecret);

        Reply refused = clientCredentials(clientId, oldSecret);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_client");
        assertThatThrownBy(() -> m2m(clientId, oldSecret).currentUser().me(new MeRequest()))
                .hasStackTraceContaining("invalid_client");
        // a token issued before the rotation stays valid until it expires, as on Databricks
        assertThat(before.currentUser().me(new MeRequest()).getUserName()).isEqualTo(clientId);
        assertThat(m2m(clientId, newSecret).currentUser().me(new MeRequest()).getUserName()).isEqualTo(clientId);

        Reply chosen = EmulatorFixture.post(admin + "/service-principals/" + clientId + "/secret", null,
                "{\"client_secret\":\"chosen-secret\"}");
        assertThat(chosen.json().get("client_secret").asText()).isEqualTo("chosen-secret");
        assertThat(clientCredentials(clientId, newSecret).status()).isEqualTo(401);
        assertThat(clientCredentials(clientId, "chosen-secret").status()).isEqualTo(200);
    }

    @Test
    void servicePrincipalWithGivenIdAndSecret() throws Exception {
        Reply created = EmulatorFixture.post(admin + "/service-principals", null,
                "{\"client_id\":\"fresh-sp\",\"client_secret\":\"fresh-secret\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().get("display_name").asText()).isEqualTo("fresh-sp");
        assertThat(created.json().get("source").asText()).isEqualTo("admin");
        String token = clientCredentials("fresh-sp", "fresh-secret").json().get("access_token").asText();
        JsonNode me = EmulatorFixture.get(acme.url() + "/api/2.0/preview/scim/v2/Me", token).json();
        assertThat(me.get("applicationId").asText()).isEqualTo("fresh-sp");
        assertThat(me.get("id").asText()).isEqualTo(created.json().get("id").asText());
    }

    @Test
    void invalidServicePrincipalRequestsChangeNothing() throws Exception {
        String before = EmulatorFixture.get(admin + "/service-principals", null).body();
        Map<String, Integer> creations = new LinkedHashMap<>();
        creations.put("{\"client_id\":\"acme-m2m-client\"}", 409);
        creations.put("{\"client_id\":\"databricks-cli\"}", 409);
        creations.put("{\"client_id\":\"a/b\"}", 400);
        creations.put("{\"client_secret\":\"\"}", 400);
        creations.put("{\"display_name\":5}", 400);
        creations.put("{\"secret\":\"x\"}", 400);
        creations.put("[]", 400);
        for (Map.Entry<String, Integer> c : creations.entrySet()) {
            Reply reply = EmulatorFixture.post(admin + "/service-principals", null, c.getKey());
            assertThat(reply.status()).as(c.getKey() + " -> " + reply.body()).isEqualTo(c.getValue());
        }
        for (String bad : new String[] {"{\"client_secret\":123}", "{\"secret\":\"x\"}", "{\"client_secret\":\" \"}"}) {
            Reply reply = EmulatorFixture.post(admin + "/service-principals/acme-m2m-client/secret", null, bad);
            assertThat(reply.status()).as(bad).isEqualTo(400);
            assertThat(reply.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
        }
        assertThat(clientCredentials("acme-m2m-client", "acme-m2m-secret").status()).isEqualTo(200);
        Reply unknown = EmulatorFixture.post(admin + "/service-principals/nobody/secret", null, "{}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        assertThat(EmulatorFixture.get(admin + "/service-principals", null).body()).isEqualTo(before);
    }

    // --- users ----------------------------------------------------------------------------------------------------

    @Test
    void eachUserLogsInAndScimMeIsTheUserOfTheToken() throws Exception {
        String alice = authorize("databricks-cli", null, "alice@acme.example", "acme-password").get("access_token").asText();
        String bob = authorize("databricks-cli", null, "BOB@acme.example", "bob-password").get("access_token").asText();
        JsonNode meAlice = EmulatorFixture.get(acme.url() + "/api/2.0/preview/scim/v2/Me", alice).json();
        JsonNode meBob = EmulatorFixture.get(acme.url() + "/api/2.0/preview/scim/v2/Me", bob).json();
        assertThat(meAlice.get("userName").asText()).isEqualTo("alice@acme.example");
        assertThat(meBob.get("userName").asText()).isEqualTo("bob@acme.example");
        assertThat(meBob.get("displayName").asText()).isEqualTo("Bob Builder");
        assertThat(meBob.get("id").asText()).isNotEqualTo(meAlice.get("id").asText());
        Reply crossed = login("databricks-cli", REDIRECT, "bob@acme.example", "acme-password");
        assertThat(crossed.status()).isEqualTo(401);
        assertThat(crossed.body()).contains("Invalid user name or password");

        Reply created = EmulatorFixture.post(admin + "/users", null,
                "{\"user_name\":\"carol@acme.example\",\"password\":\"carol-pw\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().get("display_name").asText()).isEqualTo("Carol");
        assertThat(created.body()).doesNotContain("carol-pw");
        String carol = authorize("databricks-cli", null, "carol@acme.example", "carol-pw").get("access_token").asText();
        assertThat(EmulatorFixture.get(acme.url() + "/api/2.0/preview/scim/v2/Me", carol).json().get("userName").asText())
                .isEqualTo("carol@acme.example");

        JsonNode users = EmulatorFixture.get(admin + "/users", null).json().get("users");
        assertThat(users).extracting(u -> u.get("user_name").asText())
                .containsExactly("alice@acme.example", "bob@acme.example", "carol@acme.example");
        assertThat(users).extracting(u -> u.get("source").asText()).containsExactly("properties", "properties", "admin");

        // the SDK sees Bob through a PAT of his own
        String pat = EmulatorFixture.post(admin + "/pats", null, "{\"user_name\":\"bob@acme.example\"}")
                .json().get("token").asText();
        WorkspaceClient w = new WorkspaceClient(new DatabricksConfig().setHost(acme.url()).setToken(pat).setAuthType("pat"));
        assertThat(w.currentUser().me(new MeRequest()).getUserName()).isEqualTo("bob@acme.example");
    }

    @Test
    void invalidUsersAreRejectedAndChangeNothing() throws Exception {
        String before = EmulatorFixture.get(admin + "/users", null).body();
        Map<String, Integer> cases = new LinkedHashMap<>();
        cases.put("{}", 400);
        cases.put("{\"user_name\":\"dave@acme.example\"}", 400);
        cases.put("{\"user_name\":\"dave@acme.example\",\"password\":1}", 400);
        cases.put("{\"user_name\":\"da ve\",\"password\":\"p\"}", 400);
        cases.put("{\"user_name\":\"dave@acme.example\",\"password\":\"p\",\"email\":\"x\"}", 400);
        cases.put("{\"user_name\":\"ALICE@acme.example\",\"password\":\"p\"}", 409);
        for (Map.Entry<String, Integer> c : cases.entrySet()) {
            Reply reply = EmulatorFixture.post(admin + "/users", null, c.getKey());
            assertThat(reply.status()).as(c.getKey() + " -> " + reply.body()).isEqualTo(c.getValue());
        }
        assertThat(EmulatorFixture.get(admin + "/users", null).body()).isEqualTo(before);
        assertThat(login("databricks-cli", REDIRECT, "alice@acme.example", "p").status()).isEqualTo(401);
        Reply noOwner = EmulatorFixture.post(admin + "/pats", null, "{\"user_name\":\"nobody@acme.example\"}");
        assertThat(noOwner.status()).isEqualTo(404);
    }

    @Test
    void documentedUserPropertiesBind() {
        Map<String, String> values = Map.of(
                "emulator.workspaces.acme.users[0].user-name", "bob@acme.example",
                "emulator.workspaces.acme.users[0].password", "bob-password",
                "emulator.workspaces.acme.users[0].display-name", "Bob");
        EmulatorProperties bound = new Binder(new MapConfigurationPropertySource(values))
                .bind("emulator", Bindable.of(EmulatorProperties.class)).get();
        WorkspaceSettings settings = WorkspaceSettings.resolveAll(bound).get(0);
        assertThat(settings.users()).extracting(EmulatorProperties.User::getUserName)
                .containsExactly("alice@acme.example", "bob@acme.example");
        assertThat(settings.users().get(1).getDisplayName()).isEqualTo("Bob");
        assertThat(settings.users().get(1).getPassword()).isEqualTo("bob-password");
    }

    @Test
    void duplicateConfiguredUsersStopTheStart() {
        EmulatorProperties properties = EmulatorFixture.fastProperties();
        properties.getWorkspaces().get("acme").setUsers(List.of(
                new EmulatorProperties.User("Alice@acme.example", "other", null)));
        assertThatThrownBy(() -> new EmulatorServer(properties).start())
                .hasMessageContaining("emulator.workspaces.acme.users[0].user-name 'Alice@acme.example' is already a user");
        properties.getWorkspaces().get("acme").setUsers(List.of(new EmulatorProperties.User("erin@acme.example", null, null)));
        assertThatThrownBy(() -> new EmulatorServer(properties).start())
                .hasMessageContaining("emulator.workspaces.acme.users[0] needs a user-name and a password");
    }

    // --- broken grants --------------------------------------------------------------------------------------------

    @Test
    void revokingAGrantBreaksThatUsersTokensOnly() throws Exception {
        for (String app : new String[] {"grant-app-a", "grant-app-b"}) {
            assertThat(EmulatorFixture.post(admin + "/oauth-apps", null, "{\"client_id\":\"" + app
                    + "\",\"confidential\":false,\"redirect_uris\":[\"" + REDIRECT + "\"]}").status()).isEqualTo(200);
        }
        JsonNode aliceA = authorize("grant-app-a", null, "alice@acme.example", "acme-password");
        JsonNode aliceB = authorize("grant-app-b", null, "alice@acme.example", "acme-password");
        JsonNode bobA = authorize("grant-app-a", null, "bob@acme.example", "bob-password");
        String pendingCode = code("grant-app-a", REDIRECT, "alice@acme.example", "acme-password");

        Reply revoked = EmulatorFixture.post(admin + "/grants/revoke", null,
                "{\"user_name\":\"alice@acme.example\",\"client_id\":\"grant-app-a\"}");
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.json().get("revoked").asInt()).as("access + refresh token").isEqualTo(2);

        Reply refused = refresh("grant-app-a", null, aliceA.get("refresh_token").asText());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(refused.json().get("error_description").asText()).isEqualTo("Refresh token has been revoked");
        Reply call = EmulatorFixture.get(acme.url() + "/api/2.0/preview/scim/v2/Me", aliceA.get("access_token").asText());
        assertThat(call.status()).isEqualTo(403);
        assertThat(call.json().get("error_code").asInt()).isEqualTo(403);
        assertThat(call.json().get("message").asText()).isEqualTo("Invalid access token.");
        WorkspaceClient sdk = new WorkspaceClient(new DatabricksConfig().setHost(acme.url())
                .setToken(aliceA.get("access_token").asText()).setAuthType("pat"));
        assertThatThrownBy(() -> sdk.currentUser().me(new MeRequest())).isInstanceOf(PermissionDenied.class)
                .hasMessageContaining("Invalid access token.");
        Reply lateCode = exchange("grant-app-a", null, REDIRECT, pendingCode);
        assertThat(lateCode.status()).isEqualTo(400);
        assertThat(lateCode.json().get("error").asText()).isEqualTo("invalid_grant");

        // Bob's grant on the same app and Alice's grant on the other app are untouched
        Reply bobRefreshed = refresh("grant-app-a", null, bobA.get("refresh_token").asText());
        assertThat(bobRefreshed.status()).isEqualTo(200);
        Reply aliceRefreshed = refresh("grant-app-b", null, aliceB.get("refresh_token").asText());
        assertThat(aliceRefreshed.status()).isEqualTo(200);
        assertThat(EmulatorFixture.get(acme.url() + "/api/2.0/preview/scim/v2/Me",
                aliceB.get("access_token").asText()).status()).isEqualTo(200);

        // all of Alice's grants; her PAT is no grant and keeps working
        Reply allOfAlice = EmulatorFixture.post(admin + "/grants/revoke", null, "{\"user_name\":\"ALICE@acme.example\"}");
        assertThat(allOfAlice.json().get("revoked").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(refresh("grant-app-b", null, aliceRefreshed.json().get("refresh_token").asText()).json()
                .get("error_description").asText()).isEqualTo("Refresh token has been revoked");
        assertThat(EmulatorFixture.get(acme.url() + "/api/2.0/preview/scim/v2/Me", EmulatorFixture.pat(acme)).status())
                .isEqualTo(200);

        // a whole app: Bob's first access + spent refresh token and the pair the refresh gave him
        Reply wholeApp = EmulatorFixture.post(admin + "/grants/revoke", null, "{\"client_id\":\"grant-app-a\"}");
        assertThat(wholeApp.json().get("revoked").asInt()).isEqualTo(4);
        assertThat(refresh("grant-app-a", null, bobRefreshed.json().get("refresh_token").asText()).status()).isEqualTo(400);
        assertThat(EmulatorFixture.post(admin + "/grants/revoke", null, "{\"client_id\":\"grant-app-a\"}")
                .json().get("revoked").asInt()).isZero();
    }

    @Test
    void invalidGrantRevocationsAreRejected() throws Exception {
        Map<String, Integer> cases = new LinkedHashMap<>();
        cases.put("{}", 400);
        cases.put("{\"user\":\"alice@acme.example\"}", 400);
        cases.put("{\"user_name\":5}", 400);
        cases.put("{\"user_name\":\"nobody@acme.example\"}", 404);
        cases.put("{\"client_id\":\"no-such-client\"}", 404);
        cases.put("{\"user_name\":\"alice@acme.example\",\"client_id\":\"no-such-client\"}", 404);
        String refresh = authorize("databricks-cli", null, "alice@acme.example", "acme-password")
                .get("refresh_token").asText();
        for (Map.Entry<String, Integer> c : cases.entrySet()) {
            Reply reply = EmulatorFixture.post(admin + "/grants/revoke", null, c.getKey());
            assertThat(reply.status()).as(c.getKey() + " -> " + reply.body()).isEqualTo(c.getValue());
            assertThat(reply.json().get("error_code").asText())
                    .isEqualTo(c.getValue() == 400 ? "INVALID_PARAMETER_VALUE" : "RESOURCE_DOES_NOT_EXIST");
        }
        assertThat(refresh("databricks-cli", null, refresh).status()).as("nothing was revoked").isEqualTo(200);
    }

    // --- token endpoint counters and outages --------------------------------------------------------------------

    @Test
    void tokenRequestsAreCountedPerGrantTypeWithFailures() throws Exception {
        String refresh = authorize("databricks-cli", null, "alice@acme.example", "acme-password")
                .get("refresh_token").asText();
        JsonNode reset = EmulatorFixture.delete(admin + "/requests").json().get("token_requests");
        assertThat(reset.toString()).isEqualTo("{\"client_credentials\":0,\"authorization_code\":0,"
                + "\"refresh_token\":0,\"other\":0,\"failed\":0}");

        assertThat(clientCredentials("acme-m2m-client", "acme-m2m-secret").status()).isEqualTo(200);
        assertThat(clientCredentials("acme-m2m-client", "wrong").status()).isEqualTo(401);
        authorize("databricks-cli", null, "alice@acme.example", "acme-password");
        assertThat(refresh("databricks-cli", null, refresh).status()).isEqualTo(200);
        assertThat(form(acme.url() + "/oidc/v1/token", Map.of("grant_type", "password"), null).status()).isEqualTo(400);
        assertThat(form(acme.url() + "/oidc/v1/token", Map.of("client_id", "x"), null).status()).isEqualTo(400);
        assertThat(tokenRequests().toString()).isEqualTo("{\"client_credentials\":2,\"authorization_code\":1,"
                + "\"refresh_token\":1,\"other\":2,\"failed\":3}");

        // what a gateway test asserts: a fresh SDK client fetches exactly one token for several calls
        EmulatorFixture.delete(admin + "/requests");
        WorkspaceClient w = EmulatorFixture.m2mClient(acme);
        w.currentUser().me(new MeRequest());
        w.currentUser().me(new MeRequest());
        JsonNode counted = tokenRequests();
        assertThat(counted.get("client_credentials").asInt()).isEqualTo(1);
        assertThat(counted.get("failed").asInt()).isZero();
    }

    @Test
    void tokenEndpointRateLimitsAndOutagesCanBeInjected() throws Exception {
        String refresh = authorize("databricks-cli", null, "alice@acme.example", "acme-password")
                .get("refresh_token").asText();
        EmulatorFixture.delete(admin + "/requests");

        addFault("{\"kind\":\"RATE_LIMIT\",\"family\":\"token\",\"count\":1,\"retry_after_seconds\":3}");
        Reply limited = clientCredentials("acme-m2m-client", "acme-m2m-secret");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("3");
        assertThat(limited.json().get("error_code").asText()).isEqualTo("REQUEST_LIMIT_EXCEEDED");

        addFault("{\"kind\":\"TOKEN_OUTAGE\",\"count\":2,\"retry_after_seconds\":2}");
        for (int i = 0; i < 2; i++) {
            Reply outage = refresh("databricks-cli", null, refresh);
            assertThat(outage.status()).isEqualTo(503);
            assertThat(outage.header("Retry-After")).isEqualTo("2");
            assertThat(outage.json().get("error").asText()).isEqualTo("temporarily_unavailable");
        }
        addFault("{\"kind\":\"UNAVAILABLE\",\"path_prefix\":\"/oidc/v1/token\",\"count\":1}");
        Reply unavailable = clientCredentials("acme-m2m-client", "acme-m2m-secret");
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.header("Retry-After")).isEqualTo("1");
        assertThat(unavailable.json().get("error_code").asText()).isEqualTo("TEMPORARILY_UNAVAILABLE");

        // the budgets are used up; the refresh token survived the outage (it was never consumed)
        assertThat(EmulatorFixture.get(admin + "/faults", null).json().get("faults")).isEmpty();
        assertThat(clientCredentials("acme-m2m-client", "acme-m2m-secret").status()).isEqualTo(200);
        assertThat(refresh("databricks-cli", null, refresh).status()).isEqualTo(200);
        assertThat(tokenRequests().toString()).isEqualTo("{\"client_credentials\":3,\"authorization_code\":0,"
                + "\"refresh_token\":3,\"other\":0,\"failed\":4}");
        JsonNode family = EmulatorFixture.get(admin + "/requests", null).json().get("families").get("token");
        assertThat(family.get("fault_limited").asInt()).isEqualTo(1);
    }

    @Test
    void invalidFaultExtentsAreRejected() throws Exception {
        for (String bad : new String[] {
                "{\"kind\":\"TOKEN_OUTAGE\",\"retry_after_seconds\":-1}",
                "{\"kind\":\"RATE_LIMIT\",\"family\":\"token\",\"retry_after_seconds\":86401}",
                "{\"kind\":\"RATE_LIMIT\",\"family\":\"token\",\"count\":0}",
                "{\"kind\":\"RATE_LIMIT\",\"family\":\"token\",\"count\":99999999999}",
                "{\"kind\":\"TOKEN_OUTAGE\",\"duration_ms\":0}",
                "{\"kind\":\"RATE_LIMIT\",\"family\":\"tokens\"}"}) {
            Reply reply = EmulatorFixture.post(admin + "/faults", null, bad);
            assertThat(reply.status()).as(bad).isEqualTo(400);
            assertThat(reply.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
        }
        assertThat(EmulatorFixture.get(admin + "/faults", null).json().get("faults")).isEmpty();
        assertThat(clientCredentials("acme-m2m-client", "acme-m2m-secret").status()).isEqualTo(200);
    }

    private void addFault(String json) throws Exception {
        Reply reply = EmulatorFixture.post(admin + "/faults", null, json);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }

    private JsonNode tokenRequests() throws Exception {
        return EmulatorFixture.get(admin + "/requests", null).json().get("token_requests");
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    /** Runs the whole authorize page + code exchange for a user; returns the token response. */
    private JsonNode authorize(String clientId, String clientSecret, String user, String password) throws Exception {
        return authorize(clientId, clientSecret, REDIRECT, user, password);
    }

    private JsonNode authorize(String clientId, String clientSecret, String redirectUri, String user, String password)
            throws Exception {
        Reply tokens = exchange(clientId, clientSecret, redirectUri, code(clientId, redirectUri, user, password));
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        return tokens.json();
    }

    /** Logs the user in on the authorize page and returns the code from the redirect. */
    private String code(String clientId, String redirectUri, String user, String password) throws Exception {
        Reply redirect = login(clientId, redirectUri, user, password);
        assertThat(redirect.status()).as(redirect.body()).isEqualTo(302);
        assertThat(redirect.header("Location")).startsWith(redirectUri + "?");
        return queryParams(URI.create(redirect.header("Location")).getRawQuery()).get("code");
    }

    private Reply exchange(String clientId, String clientSecret, String redirectUri, String code) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>(Map.of("grant_type", "authorization_code", "code", code,
                "code_verifier", VERIFIER, "redirect_uri", redirectUri, "client_id", clientId));
        if (clientSecret != null) {
            fields.put("client_secret", clientSecret);
        }
        return form(acme.url() + "/oidc/v1/token", fields, null);
    }

    private WorkspaceClient m2m(String clientId, String secret) {
        return new WorkspaceClient(new DatabricksConfig().setHost(acme.url()).setClientId(clientId)
                .setClientSecret(secret).setAuthType("oauth-m2m"));
    }

    private static JsonNode app(JsonNode list, String clientId) {
        for (JsonNode app : list.get("apps")) {
            if (app.get("client_id").asText().equals(clientId)) {
                return app;
            }
        }
        throw new AssertionError("no app " + clientId + " in " + list);
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
