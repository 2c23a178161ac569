package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.DatabricksException;
import com.databricks.sdk.core.commons.CommonsHttpClient;
import com.databricks.sdk.core.error.platform.PermissionDenied;
import com.databricks.sdk.core.error.platform.Unauthenticated;
import com.databricks.sdk.core.http.HttpClient;
import com.databricks.sdk.core.http.Request;
import com.databricks.sdk.core.http.Response;
import com.databricks.sdk.service.catalog.CatalogInfo;
import com.databricks.sdk.service.catalog.ListCatalogsRequest;
import com.databricks.sdk.service.iam.MeRequest;
import com.databricks.sdk.service.iam.User;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;

import dev.lakehouse.emulator.EmulatorFixture.Reply;

/**
 * The emulator's Azure and GCP identities driven through the official Databricks SDK for Java 0.141.0 and its own
 * cloud credential providers, on loopback.
 *
 * <p>Covered: {@code azure-client-secret} (Entra v1 client-credentials tokens for the AzureDatabricks resource and
 * for Azure service management, the {@code X-Databricks-Azure-SP-Management-Token} and
 * {@code X-Databricks-Azure-Workspace-Resource-Id} headers, the tenant inferred from {@code /aad/auth}, a
 * Contributor added on first use, Entra's refusals) and {@code google-credentials} (a service-account key JSON,
 * google-auth-library's JWT-bearer exchange for an ID token with the workspace host as audience plus an access
 * token in {@code X-Databricks-GCP-SA-Access-Token}, a deleted key refused).
 *
 * <p>Not covered: {@code azure-cli} and {@code databricks-cli} (they run the {@code az}/{@code databricks} binaries,
 * not installed here), {@code azure-msi} (it asks the Azure instance metadata service at the fixed link-local
 * address 169.254.169.254, which no test may reach), {@code github-oidc-azure} and the other OIDC token-exchange
 * providers (they need a CI's ID-token endpoint and Entra federated credentials, which the emulated Entra does not
 * have), and {@code google-id} (impersonation through the IAM Credentials API {@code generateIdToken}, which the
 * emulator does not serve; google-auth-library would call iamcredentials.googleapis.com with its own transport).
 * Resolving the host from an ARM resource id when no host is set (a call to {@code management.azure.com}) is not
 * emulated either.
 *
 * <p>The SDK also resolves host metadata; its {@code oidc_endpoint} names the profile's public host, which
 * {@link Rewriting} sends to the emulator like every other request to that host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class SdkCloudFidelityTest {

    static final String DATABRICKS_RESOURCE = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";
    static final String MANAGEMENT_RESOURCE = "https://management.core.windows.net/";
    static final String AZURE_HOST = "https://adb-1111111111111111.11.azuredatabricks.net";
    static final String GCP_HOST = "https://1111111111111111.1.gcp.databricks.com";
    static final String ENTRA_HOST = "login.microsoftonline.com";

    private final String tenant = UUID.randomUUID().toString();
    private final String resourceId = "/subscriptions/" + UUID.randomUUID() + "/resourceGroups/rg-emu/providers/"
            + "Microsoft.Databricks/workspaces/acme-ws";
    private EmulatorServer server;
    private Workspace azure;
    private Workspace gcp;

    @BeforeAll
    void start() throws Exception {
        EmulatorProperties properties = EmulatorFixture.fastProperties();
        properties.getWorkspaces().put("globex", new EmulatorProperties.WorkspaceProperties());
        server = new EmulatorServer(properties).start();
        azure = server.workspace("acme");
        gcp = server.workspace("globex");
        Reply a = EmulatorFixture.put(admin(azure) + "/cloud", "{\"cloud\":\"azure\",\"host\":\"" + AZURE_HOST
                + "\",\"azure_tenant_id\":\"" + tenant + "\",\"azure_resource_id\":\"" + resourceId + "\"}");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        Reply g = EmulatorFixture.put(admin(gcp) + "/cloud", "{\"cloud\":\"gcp\",\"host\":\"" + GCP_HOST + "\"}");
        assertThat(g.status()).as(g.body()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    // ---- azure-client-secret

    @Test
    void azureServicePrincipalThatIsAWorkspaceUserSignsInThroughTheSdk() throws Exception {
        JsonNode app = entraApp(true, false);
        String clientId = app.get("client_id").asText();
        Rewriting http = azureHttp();
        WorkspaceClient w = new WorkspaceClient(azureConfig(http, clientId, app.get("client_secret").asText())
                .setAzureTenantId(tenant));

        User me = w.currentUser().me(new MeRequest());
        assertThat(me.getUserName()).isEqualTo(clientId);
        assertThat(names(w.catalogs().list(new ListCatalogsRequest()))).contains("main", "samples");

        // the SDK asked Entra's v1 endpoint of the tenant for both resources, with the secret in the form body
        List<Seen> tokenRequests = http.to(ENTRA_HOST);
        assertThat(tokenRequests).extracting(Seen::path).containsOnly("/" + tenant + "/oauth2/token");
        assertThat(tokenRequests).extracting(s -> s.form().get("resource"))
                .containsExactlyInAnyOrder(DATABRICKS_RESOURCE, MANAGEMENT_RESOURCE);
        for (Seen s : tokenRequests) {
            assertThat(s.form()).containsEntry("grant_type", "client_credentials").containsEntry("client_id", clientId)
                    .containsEntry("client_secret", app.get("client_secret").asText());
        }
        // the tokens were cached (v1 expires_in arrives as a string and was understood): two calls, two tokens
        assertThat(tokenRequests).hasSize(2);

        // every workspace call carried the Entra token and the management token; no resource id was configured
        List<Seen> apiCalls = http.to(URI.create(AZURE_HOST).getHost()).stream()
                .filter(s -> s.path().startsWith("/api/")).toList();
        assertThat(apiCalls).extracting(Seen::path)
                .contains("/api/2.0/preview/scim/v2/Me", "/api/2.1/unity-catalog/catalogs");
        for (Seen call : apiCalls) {
            String bearer = call.headers().get("Authorization").substring("Bearer ".length());
            assertThat(SignedJWT.parse(bearer).getJWTClaimsSet().getAudience()).containsExactly(DATABRICKS_RESOURCE);
            String management = call.headers().get("X-Databricks-Azure-SP-Management-Token");
            assertThat(SignedJWT.parse(management).getJWTClaimsSet().getAudience())
                    .containsExactly(MANAGEMENT_RESOURCE);
            assertThat(call.headers()).doesNotContainKey("X-Databricks-Azure-Workspace-Resource-Id");
        }
    }

    @Test
    void shortLivedEntraTokensAreFetchedAnewByTheSdk() throws Exception {
        JsonNode app = entraApp(true, false);
        Rewriting http = azureHttp();
        WorkspaceClient w = new WorkspaceClient(azureConfig(http, app.get("client_id").asText(),
                app.get("client_secret").asText()).setAzureTenantId(tenant));
        // Entra tokens live as long as the workspace's OAuth access tokens; 20 s is inside the SDK's 40 s expiry
        // buffer, so each call must fetch both tokens again (a string expires_in read as 0 would look the same,
        // which is why the first test shows that a 3600 s token is cached)
        assertThat(EmulatorFixture.put(admin(azure) + "/oauth", "{\"access_token_lifetime_seconds\":20}").status())
                .isEqualTo(200);
        try {
            w.currentUser().me(new MeRequest());
            w.currentUser().me(new MeRequest());
        } finally {
            EmulatorFixture.delete(admin(azure) + "/oauth");
        }
        List<Seen> tokenRequests = http.to(ENTRA_HOST);
        assertThat(tokenRequests).hasSize(4).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo(200);
            assertThat(EmulatorFixture.JSON.readTree(s.reply()).get("expires_in").asText()).isEqualTo("20");
        });
        List<String> bearers = http.to(URI.create(AZURE_HOST).getHost()).stream()
                .filter(s -> s.path().startsWith("/api/")).map(s -> s.headers().get("Authorization")).toList();
        assertThat(bearers).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void tenantIsInferredFromTheAadAuthRedirect() throws Exception {
        JsonNode app = entraApp(true, false);
        Rewriting http = azureHttp();
        WorkspaceClient w = new WorkspaceClient(azureConfig(http, app.get("client_id").asText(),
                app.get("client_secret").asText()));

        assertThat(w.currentUser().me(new MeRequest()).getUserName()).isEqualTo(app.get("client_id").asText());
        assertThat(http.to(URI.create(AZURE_HOST).getHost())).extracting(Seen::path).contains("/aad/auth");
        assertThat(http.to(ENTRA_HOST)).extracting(Seen::path).containsOnly("/" + tenant + "/oauth2/token");
    }

    @Test
    void contributorIsAddedOnFirstUseThroughTheSdkHeaders() throws Exception {
        JsonNode app = entraApp(false, true);
        String clientId = app.get("client_id").asText();
        String secret = app.get("client_secret").asText();

        // without the resource id the SDK sends only the management token: not enough to be added
        WorkspaceClient withoutResourceId = new WorkspaceClient(azureConfig(azureHttp(), clientId, secret)
                .setAzureTenantId(tenant));
        assertThatThrownBy(() -> withoutResourceId.currentUser().me(new MeRequest()))
                .isInstanceOf(PermissionDenied.class)
                .hasMessageContaining("Service principal " + clientId + " is not a user of this workspace")
                .hasMessageContaining("X-Databricks-Azure-Workspace-Resource-Id header is missing");
        assertThat(EmulatorFixture.get(admin(azure) + "/service-principals", null).body()).doesNotContain(clientId);

        Rewriting http = azureHttp();
        WorkspaceClient w = new WorkspaceClient(azureConfig(http, clientId, secret).setAzureTenantId(tenant)
                .setAzureWorkspaceResourceId(resourceId));
        assertThat(w.currentUser().me(new MeRequest()).getUserName()).isEqualTo(clientId);
        Seen first = http.to(URI.create(AZURE_HOST).getHost()).stream()
                .filter(s -> s.path().startsWith("/api/")).findFirst().orElseThrow();
        assertThat(first.headers()).containsEntry("X-Databricks-Azure-Workspace-Resource-Id", resourceId)
                .containsKey("X-Databricks-Azure-SP-Management-Token");
        assertThat(EmulatorFixture.get(admin(azure) + "/service-principals", null).body()).contains(clientId);
        // a member now: the client that could not sign in before can
        assertThat(withoutResourceId.currentUser().me(new MeRequest()).getUserName()).isEqualTo(clientId);
        assertThat(names(w.catalogs().list(new ListCatalogsRequest()))).contains("main");
    }

    @Test
    void nonContributorIsRefusedEvenWithTheResourceId() throws Exception {
        JsonNode app = entraApp(false, false);
        WorkspaceClient w = new WorkspaceClient(azureConfig(azureHttp(), app.get("client_id").asText(),
                app.get("client_secret").asText()).setAzureTenantId(tenant).setAzureWorkspaceResourceId(resourceId));
        assertThatThrownBy(() -> w.currentUser().me(new MeRequest()))
                .isInstanceOf(PermissionDenied.class)
                .hasMessageContaining("no Contributor role on the workspace resource");
    }

    @Test
    void wrongSecretIsRefusedByEntra() throws Exception {
        JsonNode app = entraApp(true, false);
        Rewriting http = azureHttp();
        WorkspaceClient w = new WorkspaceClient(azureConfig(http, app.get("client_id").asText(), "not-the-secret")
                .setAzureTenantId(tenant));
        Throwable thrown = catchThrowable(() -> w.currentUser().me(new MeRequest()));
        assertThat(thrown).isInstanceOf(DatabricksException.class)
                .hasMessageContaining("azure-client-secret auth: Failed to refresh credentials: invalid_client");
        // the SDK maps the 401 to Unauthenticated and keeps only Entra's "error" as the message (ApiErrors reads
        // "error", not "error_description"), so the AADSTS code is in Entra's reply but not in the exception
        assertThat(causes(thrown)).anyMatch(c -> c instanceof Unauthenticated && "invalid_client".equals(c.getMessage()));
        List<Seen> tokenRequests = http.to(ENTRA_HOST);
        assertThat(tokenRequests).isNotEmpty().allSatisfy(s -> {
            assertThat(s.status()).isEqualTo(401);
            JsonNode reply = EmulatorFixture.JSON.readTree(s.reply());
            assertThat(reply.get("error").asText()).isEqualTo("invalid_client");
            assertThat(reply.get("error_description").asText()).startsWith("AADSTS7000215: Invalid client secret");
            assertThat(reply.get("error_codes").get(0).asInt()).isEqualTo(7000215);
        });
        assertThat(http.to(URI.create(AZURE_HOST).getHost()).stream().filter(s -> s.path().startsWith("/api/")))
                .as("no workspace call without a token").isEmpty();
    }

    // ---- google-credentials

    @Test
    void googleServiceAccountSignsInWithIdTokenAndAccessTokenHeader() throws Exception {
        JsonNode key = serviceAccount(true);
        assertThat(key.get("token_uri").asText()).isEqualTo(gcp.url() + "/google/token");
        assertThat(EmulatorFixture.delete(admin(gcp) + "/requests").status()).isEqualTo(200);
        Rewriting http = gcpHttp();
        WorkspaceClient w = new WorkspaceClient(gcpConfig(http, key));

        assertThat(w.currentUser().me(new MeRequest()).getUserName()).isEqualTo(key.get("client_email").asText());
        assertThat(names(w.catalogs().list(new ListCatalogsRequest()))).contains("main", "samples");

        List<Seen> apiCalls = http.to(URI.create(GCP_HOST).getHost()).stream()
                .filter(s -> s.path().startsWith("/api/")).toList();
        assertThat(apiCalls).hasSize(2);
        for (Seen call : apiCalls) {
            String bearer = call.headers().get("Authorization").substring("Bearer ".length());
            var claims = SignedJWT.parse(bearer).getJWTClaimsSet();
            assertThat(claims.getAudience()).containsExactly(GCP_HOST);
            assertThat(claims.getIssuer()).isEqualTo("https://accounts.google.com");
            assertThat(claims.getStringClaim("email")).isEqualTo(key.get("client_email").asText());
            assertThat(call.headers().get("X-Databricks-GCP-SA-Access-Token")).startsWith("ya29.");
        }
        // google-auth-library posted its assertions to the key's token_uri itself: an ID token and an access
        // token for each call (the provider caches neither)
        JsonNode requests = EmulatorFixture.get(admin(gcp) + "/requests", null).json();
        assertThat(requests.get("cloud_token_requests").get("google").asInt()).isEqualTo(4);
        assertThat(requests.get("cloud_token_requests").get("google_failed").asInt()).isZero();
    }

    @Test
    void deletedGoogleKeyIsRefused() throws Exception {
        JsonNode key = serviceAccount(true);
        WorkspaceClient w = new WorkspaceClient(gcpConfig(gcpHttp(), key));
        assertThat(w.currentUser().me(new MeRequest()).getUserName()).isEqualTo(key.get("client_email").asText());

        Reply deleted = EmulatorFixture.delete(admin(gcp) + "/google/service-accounts/"
                + key.get("client_email").asText() + "/keys/" + key.get("private_key_id").asText());
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);

        // google-auth-library's assertion for the ID token is refused by the token endpoint; the SDK wraps that
        Throwable thrown = catchThrowable(() -> w.currentUser().me(new MeRequest()));
        assertThat(thrown).isInstanceOf(DatabricksException.class)
                .hasMessageContaining("google-credentials auth: Failed to get id token from Google service account");
        assertThat(causes(thrown)).anyMatch(c -> c instanceof IOException && c.getMessage().contains("400")
                && c.getMessage().contains("\"error\":\"invalid_grant\"")
                && c.getMessage().contains("Invalid JWT Signature."));
    }

    @Test
    void serviceAccountThatIsNoWorkspaceUserIsRefused() throws Exception {
        JsonNode key = serviceAccount(false);
        WorkspaceClient w = new WorkspaceClient(gcpConfig(gcpHttp(), key));
        assertThatThrownBy(() -> w.currentUser().me(new MeRequest()))
                .isInstanceOf(PermissionDenied.class)
                .hasMessageContaining("Service account " + key.get("client_email").asText()
                        + " is not a user of this workspace");
    }

    // ---- helpers

    private DatabricksConfig azureConfig(HttpClient http, String clientId, String secret) {
        return new DatabricksConfig().setHost(AZURE_HOST).setAuthType("azure-client-secret")
                .setAzureClientId(clientId).setAzureClientSecret(secret).setHttpClient(http);
    }

    private DatabricksConfig gcpConfig(HttpClient http, JsonNode key) {
        return new DatabricksConfig().setHost(GCP_HOST).setAuthType("google-credentials")
                .setGoogleCredentials(key.toString()).setHttpClient(http);
    }

    /**
     * The Azure workspace host and Entra's public login host have no DNS on this offline machine, and the SDK's
     * Azure environments are a fixed table (no endpoint can be configured), so requests to them are sent to the
     * emulator instead: the workspace host to the workspace's port, Entra to its {@code /entra} prefix there.
     */
    private Rewriting azureHttp() {
        return new Rewriting(Map.of(URI.create(AZURE_HOST).getHost(), azure.url(), ENTRA_HOST, azure.url() + "/entra"));
    }

    /**
     * The GCP workspace host has no DNS here either; Google's token endpoint needs no rewriting, because
     * google-auth-library posts to the key JSON's {@code token_uri} (the emulator) with its own HTTP transport.
     */
    private Rewriting gcpHttp() {
        return new Rewriting(Map.of(URI.create(GCP_HOST).getHost(), gcp.url()));
    }

    /** One request the SDK made, as it addressed it (before rewriting), its status and (from Entra) its reply. */
    record Seen(String method, URI uri, Map<String, String> headers, String body, int status, String reply) {
        String host() {
            return uri.getHost();
        }

        String path() {
            return uri.getPath();
        }

        Map<String, String> form() {
            Map<String, String> form = new LinkedHashMap<>();
            if (body != null && !body.isEmpty()) {
                for (String pair : body.split("&")) {
                    int eq = pair.indexOf('=');
                    form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return form;
        }
    }

    /**
     * The SDK's own Apache-based client, with the scheme, host and port of requests to known public hosts
     * replaced by the emulator's loopback URL (path and query kept); any other host is refused, so nothing
     * leaves the machine. Every request is recorded as the SDK addressed it.
     */
    static final class Rewriting implements HttpClient {

        private final Map<String, String> routes;
        private final HttpClient delegate = new CommonsHttpClient.Builder().withTimeoutSeconds(30).build();
        final List<Seen> seen = new CopyOnWriteArrayList<>();

        Rewriting(Map<String, String> routes) {
            this.routes = routes;
        }

        @Override
        public Response execute(Request in) throws IOException {
            URI original = in.getUri();
            String base = routes.get(original.getHost());
            if (base == null) {
                throw new IOException("No route to " + original.getHost() + " from this offline test");
            }
            Map<String, String> headers = Map.copyOf(in.getHeaders());
            String body = in.isBodyString() ? in.getBodyString() : null;
            // the query of the URL string; the Request keeps its separate query parameters across the rewrite
            String before = in.getUrl();
            String query = URI.create(before).getRawQuery();
            in.withUrl(base + original.getRawPath() + (query == null ? "" : "?" + query));
            Response response;
            try {
                response = delegate.execute(in);
            } finally {
                in.withUrl(before);
            }
            String reply = null;
            if (ENTRA_HOST.equals(original.getHost()) && response.getBody() != null) {
                // token replies are small JSON: read them, so the test can see what Entra answered
                reply = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
                response = new Response(in, response.getUrl(), response.getStatusCode(), response.getStatus(),
                        response.getAllHeaders(), reply);
            }
            seen.add(new Seen(in.getMethod(), original, headers, body, response.getStatusCode(), reply));
            return response;
        }

        List<Seen> to(String host) {
            return seen.stream().filter(s -> host.equals(s.host())).toList();
        }
    }

    private JsonNode entraApp(boolean workspaceUser, boolean contributor) throws Exception {
        Reply reply = EmulatorFixture.post(admin(azure) + "/entra/apps", null, "{\"tenant_id\":\"" + tenant
                + "\",\"workspace_user\":" + workspaceUser + ",\"contributor\":" + contributor + "}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }

    private JsonNode serviceAccount(boolean workspaceUser) throws Exception {
        Reply reply = EmulatorFixture.post(admin(gcp) + "/google/service-accounts", null,
                "{\"workspace_user\":" + workspaceUser + "}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }

    private static String admin(Workspace ws) {
        return ws.url() + "/emulator/admin";
    }

    private static List<String> names(Iterable<CatalogInfo> catalogs) {
        return StreamSupport.stream(catalogs.spliterator(), false).map(CatalogInfo::getName).toList();
    }

    /** The exception and its causes, for errors the SDK wraps. */
    private static List<Throwable> causes(Throwable t) {
        List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
            chain.add(c);
        }
        return chain;
    }
}
