package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.lakehouse.emulator.EmulatorFixture.Reply;

/**
 * The emulated Entra ID and Google token services, the cloud admin API, and how Azure and GCP workspaces accept
 * (or refuse) cloud tokens, all over raw HTTP on loopback. {@code acme} is switched to Azure, {@code globex} to
 * GCP, {@code initech} stays AWS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class CloudIdentityTest {

    static final String DATABRICKS = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";
    static final String MANAGEMENT = "https://management.core.windows.net/";
    static final String AZURE_HOST = "https://adb-1111111111111111.11.azuredatabricks.net";
    static final String GCP_HOST = "https://1111111111111111.1.gcp.databricks.com";
    static final String ME = "/api/2.0/preview/scim/v2/Me";

    private final String tenant = UUID.randomUUID().toString();
    private final String resourceId = "/subscriptions/" + UUID.randomUUID() + "/resourceGroups/rg-emu/providers/"
            + "Microsoft.Databricks/workspaces/acme-ws";
    private EmulatorServer server;
    private Workspace azure;
    private Workspace gcp;
    private Workspace aws;

    @BeforeAll
    void start() throws Exception {
        EmulatorProperties properties = EmulatorFixture.fastProperties();
        properties.getWorkspaces().put("globex", new EmulatorProperties.WorkspaceProperties());
        properties.getWorkspaces().put("initech", new EmulatorProperties.WorkspaceProperties());
        server = new EmulatorServer(properties).start();
        azure = server.workspace("acme");
        gcp = server.workspace("globex");
        aws = server.workspace("initech");
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

    // ---- cloud profile, host metadata, /aad/auth

    @Test
    void hostMetadataNamesTheCloudOfEachWorkspace() throws Exception {
        assertThat(metadataCloud(azure)).isEqualTo("azure");
        assertThat(metadataCloud(gcp)).isEqualTo("gcp");
        assertThat(metadataCloud(aws)).isEqualTo("aws");
        // the OIDC endpoint is named on the workspace's own (public) host, as the real service names it
        assertThat(EmulatorFixture.get(azure.url() + "/.well-known/databricks-config", null).json()
                .get("oidc_endpoint").asText()).isEqualTo(AZURE_HOST + "/oidc");
        assertThat(EmulatorFixture.get(aws.url() + "/.well-known/databricks-config", null).json()
                .get("oidc_endpoint").asText()).isEqualTo(aws.url() + "/oidc");
        JsonNode profile = EmulatorFixture.get(admin(azure) + "/cloud", null).json();
        assertThat(profile.get("cloud").asText()).isEqualTo("azure");
        assertThat(profile.get("host").asText()).isEqualTo(AZURE_HOST);
        assertThat(profile.get("azure_tenant_id").asText()).isEqualTo(tenant);
        assertThat(profile.get("azure_resource_id").asText()).isEqualTo(resourceId);
        assertThat(EmulatorFixture.get(admin(aws) + "/cloud", null).json().toString()).isEqualTo("{\"cloud\":\"aws\"}");
    }

    @Test
    void aadAuthRedirectsToTheTenantOnAzureOnly() throws Exception {
        Reply redirect = EmulatorFixture.get(azure.url() + "/aad/auth", null);
        assertThat(redirect.status()).isEqualTo(302);
        URI location = URI.create(redirect.header("Location"));
        assertThat(location.getHost()).isEqualTo("login.microsoftonline.com");
        assertThat(location.getPath()).isEqualTo("/" + tenant + "/oauth2/authorize");
        Reply onAws = EmulatorFixture.get(aws.url() + "/aad/auth", null);
        assertThat(onAws.status()).isEqualTo(404);
        assertThat(onAws.json().get("error_code").asText()).isEqualTo("ENDPOINT_NOT_FOUND");
        assertThat(EmulatorFixture.get(gcp.url() + "/aad/auth", null).status()).isEqualTo(404);
    }

    @Test
    void cloudProfileBodiesAreValidatedAndDeleteResetsToAws() throws Exception {
        String url = admin(aws) + "/cloud";
        assertBadRequest(EmulatorFixture.put(url, "{\"cloud\":\"oracle\"}"), "cloud must be one of aws, azure, gcp");
        assertBadRequest(EmulatorFixture.put(url, "{}"), "Missing required field: cloud");
        assertBadRequest(EmulatorFixture.put(url, "{\"cloud\":\"azure\",\"host\":\"" + AZURE_HOST + "\"}"),
                "azure_tenant_id");
        assertBadRequest(EmulatorFixture.put(url, "{\"cloud\":\"azure\",\"host\":\"" + AZURE_HOST
                + "\",\"azure_tenant_id\":\"contoso\"}"), "must be a GUID");
        assertBadRequest(EmulatorFixture.put(url, "{\"cloud\":\"azure\",\"host\":\"" + AZURE_HOST
                + "\",\"azure_tenant_id\":\"" + tenant + "\",\"azure_resource_id\":\"/subscriptions/x\"}"),
                "azure_resource_id must look like");
        assertBadRequest(EmulatorFixture.put(url, "{\"cloud\":\"gcp\"}"), "Missing required field: host");
        assertBadRequest(EmulatorFixture.put(url, "{\"cloud\":\"gcp\",\"host\":\"ftp://x\"}"), "host must be a URL");
        assertBadRequest(EmulatorFixture.put(url, "{\"cloud\":\"gcp\",\"host\":\"" + GCP_HOST + "/path\"}"),
                "without a path");
        assertBadRequest(EmulatorFixture.put(url, "{\"cloud\":\"gcp\",\"host\":\"" + GCP_HOST
                + "\",\"azure_tenant_id\":\"" + tenant + "\"}"), "for cloud 'azure' only");
        assertBadRequest(EmulatorFixture.put(url, "{\"cloud\":\"gcp\",\"hots\":\"x\"}"), "Unknown field 'hots'");
        assertBadRequest(EmulatorFixture.put(url, "not json"), "Invalid JSON");
        assertThat(metadataCloud(aws)).isEqualTo("aws");

        Reply set = EmulatorFixture.put(url, "{\"cloud\":\"GCP\",\"host\":\"" + GCP_HOST + "/\"}");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().get("host").asText()).isEqualTo(GCP_HOST);
        assertThat(metadataCloud(aws)).isEqualTo("gcp");
        Reply reset = EmulatorFixture.delete(url);
        assertThat(reset.json().toString()).isEqualTo("{\"cloud\":\"aws\"}");
        assertThat(metadataCloud(aws)).isEqualTo("aws");
    }

    // ---- Entra token endpoint

    @Test
    void entraV1TokenHasEntraShapeAndClaimsAndSignsInToTheAzureWorkspace() throws Exception {
        JsonNode app = entraApp(tenant, true, false);
        String clientId = app.get("client_id").asText();
        assertThat(app.get("tenant_id").asText()).isEqualTo(tenant);
        assertThat(app.get("client_secret").asText()).hasSize(40).contains("Q~");
        assertThat(Instant.parse(app.get("secret_expires_at").asText())).isAfter(Instant.now().plus(Duration.ofDays(170)));

        Reply reply = entraV1(azure, tenant, clientId, app.get("client_secret").asText(), DATABRICKS);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode body = reply.json();
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        for (String field : new String[] {"expires_in", "ext_expires_in", "expires_on", "not_before", "resource"}) {
            assertThat(body.get(field).isTextual()).as(field + " is a string as in Entra v1").isTrue();
        }
        assertThat(Long.parseLong(body.get("expires_in").asText())).isBetween(3500L, 3600L);
        assertThat(body.get("expires_in").asText()).isEqualTo(body.get("ext_expires_in").asText());
        assertThat(body.get("resource").asText()).isEqualTo(DATABRICKS);
        long expiresOn = Long.parseLong(body.get("expires_on").asText());
        assertThat(expiresOn).isCloseTo(Instant.now().getEpochSecond() + 3600, org.assertj.core.data.Offset.offset(5L));

        String token = body.get("access_token").asText();
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID()).isNotBlank();
        JWKSet keys = JWKSet.parse(EmulatorFixture.get(azure.url() + "/entra/" + tenant + "/discovery/v2.0/keys", null).body());
        assertThat(jwt.verify(new RSASSAVerifier((RSAKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID())))).isTrue();
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("https://sts.windows.net/" + tenant + "/");
        assertThat(claims.getAudience()).containsExactly(DATABRICKS);
        assertThat(claims.getStringClaim("tid")).isEqualTo(tenant);
        assertThat(claims.getStringClaim("appid")).isEqualTo(clientId);
        assertThat(claims.getStringClaim("oid")).isEqualTo(app.get("object_id").asText());
        assertThat(claims.getSubject()).isNotBlank();
        assertThat(claims.getIssueTime()).isNotNull();
        assertThat(claims.getNotBeforeTime()).isNotNull();
        assertThat(claims.getExpirationTime().toInstant().getEpochSecond()).isEqualTo(expiresOn);

        Reply me = EmulatorFixture.get(azure.url() + ME, token);
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().get("userName").asText()).isEqualTo(clientId);
        assertThat(me.json().get("applicationId").asText()).isEqualTo(clientId);
        // the SCIM answer is the same before and after: the SP was a member from the start
        Reply catalogs = EmulatorFixture.get(azure.url() + "/api/2.1/unity-catalog/catalogs", token);
        assertThat(catalogs.status()).isEqualTo(200);
    }

    @Test
    void entraAcceptsBasicCredentialsAndTheV2Endpoint() throws Exception {
        JsonNode app = entraApp(tenant, true, false);
        String clientId = app.get("client_id").asText();
        String secret = app.get("client_secret").asText();
        Reply basic = form(azure.url() + "/entra/" + tenant + "/oauth2/token",
                Map.of("grant_type", "client_credentials", "resource", DATABRICKS),
                "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8)));
        assertThat(basic.status()).as(basic.body()).isEqualTo(200);

        Reply v2 = entraV2(azure, tenant, clientId, secret, DATABRICKS + "/.default");
        assertThat(v2.status()).as(v2.body()).isEqualTo(200);
        JsonNode body = v2.json();
        assertThat(body.get("expires_in").isNumber()).isTrue();
        assertThat(body.get("ext_expires_in").isNumber()).isTrue();
        assertThat(body.has("resource")).isFalse();
        assertThat(body.has("expires_on")).isFalse();
        String token = body.get("access_token").asText();
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getAudience()).containsExactly(DATABRICKS);
        assertThat(EmulatorFixture.get(azure.url() + ME, token).status()).isEqualTo(200);

        Reply management = entraV2(azure, tenant, clientId, secret, "https://management.core.windows.net//.default");
        assertThat(management.status()).isEqualTo(200);
        assertThat(SignedJWT.parse(management.json().get("access_token").asText()).getJWTClaimsSet().getAudience())
                .containsExactly(MANAGEMENT);
        // a token endpoint on another workspace's port is the same Entra ID
        assertThat(entraV1(aws, tenant, clientId, secret, DATABRICKS).status()).isEqualTo(200);
    }

    @Test
    void entraErrorsHaveEntraCodesAndShape() throws Exception {
        JsonNode app = entraApp(tenant, false, false);
        String clientId = app.get("client_id").asText();
        String secret = app.get("client_secret").asText();
        String unknownTenant = UUID.randomUUID().toString();

        JsonNode noTenant = assertEntraError(entraV1(azure, unknownTenant, clientId, secret, DATABRICKS), 400,
                "invalid_request", 90002);
        assertThat(noTenant.get("error_description").asText()).contains("Tenant '" + unknownTenant + "' not found");
        assertThat(UUID.fromString(noTenant.get("trace_id").asText())).isNotNull();
        assertThat(UUID.fromString(noTenant.get("correlation_id").asText())).isNotNull();
        assertThat(noTenant.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ");

        String otherId = UUID.randomUUID().toString();
        assertThat(assertEntraError(entraV1(azure, tenant, otherId, secret, DATABRICKS), 400, "unauthorized_client",
                700016).get("error_description").asText())
                .contains("Application with identifier '" + otherId + "' was not found in the directory '" + tenant + "'");
        assertThat(assertEntraError(entraV1(azure, tenant, clientId, "wrong", DATABRICKS), 401, "invalid_client",
                7000215).get("error_description").asText()).contains("Invalid client secret provided");
        assertEntraError(entraV1(azure, tenant, clientId, secret, null), 400, "invalid_resource", 500011);
        assertThat(assertEntraError(entraV1(azure, tenant, clientId, secret, "https://graph.microsoft.com/"), 400,
                "invalid_resource", 500011).get("error_description").asText())
                .contains("The resource principal named https://graph.microsoft.com/ was not found in the tenant named "
                        + tenant);
        assertEntraError(entraV2(azure, tenant, clientId, secret, DATABRICKS), 400, "invalid_scope", 500011);
        assertEntraError(entraV2(azure, tenant, clientId, secret, "https://graph.microsoft.com/.default"), 400,
                "invalid_scope", 500011);
        assertEntraError(form(azure.url() + "/entra/" + tenant + "/oauth2/token", Map.of("grant_type", "password",
                "client_id", clientId, "client_secret", secret, "resource", DATABRICKS), null), 400,
                "unsupported_grant_type", 70003);

        // rotation: the old secret stops at once, the new one works
        JsonNode rotated = EmulatorFixture.post(admin(azure) + "/entra/apps/" + clientId + "/rotate-secret", null, "{}")
                .json();
        String newSecret = rotated.get("client_secret").asText();
        assertThat(newSecret).isNotEqualTo(secret);
        assertEntraError(entraV1(azure, tenant, clientId, secret, DATABRICKS), 401, "invalid_client", 7000215);
        assertThat(entraV1(azure, tenant, clientId, newSecret, DATABRICKS).status()).isEqualTo(200);

        // expiry: the right secret is refused with its own code
        assertThat(EmulatorFixture.post(admin(azure) + "/entra/apps/" + clientId + "/expire-secret", null, "").status())
                .isEqualTo(200);
        assertThat(assertEntraError(entraV1(azure, tenant, clientId, newSecret, DATABRICKS), 401, "invalid_client",
                7000222).get("error_description").asText()).contains("client secret keys for app '" + clientId + "' are expired");
        // and a short-lived secret expires by itself
        JsonNode shortLived = entraAppWith("{\"tenant_id\":\"" + tenant + "\",\"secret_lifetime_seconds\":3}");
        assertThat(entraV1(azure, tenant, shortLived.get("client_id").asText(),
                shortLived.get("client_secret").asText(), DATABRICKS).status()).isEqualTo(200);
        sleepUntil(Instant.parse(shortLived.get("secret_expires_at").asText()));
        assertEntraError(entraV1(azure, tenant, shortLived.get("client_id").asText(),
                shortLived.get("client_secret").asText(), DATABRICKS), 401, "invalid_client", 7000222);
    }

    // ---- Azure workspace authentication

    @Test
    void azureWorkspaceRefusesTokensOfOtherAudiencesTenantsAndClouds() throws Exception {
        JsonNode app = entraApp(tenant, true, false);
        String clientId = app.get("client_id").asText();
        String secret = app.get("client_secret").asText();
        String good = entraV1(azure, tenant, clientId, secret, DATABRICKS).json().get("access_token").asText();
        assertThat(EmulatorFixture.get(azure.url() + ME, good).status()).isEqualTo(200);

        String management = entraV1(azure, tenant, clientId, secret, MANAGEMENT).json().get("access_token").asText();
        assertInvalidToken(EmulatorFixture.get(azure.url() + ME, management));

        String otherTenant = UUID.randomUUID().toString();
        JsonNode stranger = entraApp(otherTenant, false, false);
        String foreign = entraV1(azure, otherTenant, stranger.get("client_id").asText(),
                stranger.get("client_secret").asText(), DATABRICKS).json().get("access_token").asText();
        assertInvalidToken(EmulatorFixture.get(azure.url() + ME, foreign));

        // a token whose payload was altered no longer verifies
        String[] parts = good.split("\\.");
        String forgedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace(tenant, otherTenant).getBytes(StandardCharsets.UTF_8));
        assertInvalidToken(EmulatorFixture.get(azure.url() + ME, parts[0] + "." + forgedPayload + "." + parts[2]));

        // AWS and GCP workspaces refuse Entra tokens as they refuse any JWT
        assertInvalidToken(EmulatorFixture.get(aws.url() + ME, good));
        assertInvalidToken(EmulatorFixture.get(gcp.url() + ME, good));
        // opaque tokens still work on an Azure workspace
        assertThat(EmulatorFixture.get(azure.url() + ME, EmulatorFixture.pat(azure)).status()).isEqualTo(200);
    }

    @Test
    void expiredEntraTokensAreRefused() throws Exception {
        JsonNode app = entraApp(tenant, true, false);
        EmulatorFixture.put(admin(azure) + "/oauth", "{\"access_token_lifetime_seconds\":3}");
        try {
            Reply reply = entraV1(azure, tenant, app.get("client_id").asText(), app.get("client_secret").asText(),
                    DATABRICKS);
            assertThat(reply.json().get("expires_in").asText()).isEqualTo("3");
            String token = reply.json().get("access_token").asText();
            assertThat(EmulatorFixture.get(azure.url() + ME, token).status()).isEqualTo(200);
            sleepUntil(Instant.ofEpochSecond(Long.parseLong(reply.json().get("expires_on").asText())));
            assertInvalidToken(EmulatorFixture.get(azure.url() + ME, token));
        } finally {
            EmulatorFixture.delete(admin(azure) + "/oauth");
        }
    }

    @Test
    void contributorWithManagementTokenIsAddedToTheWorkspace() throws Exception {
        JsonNode app = entraApp(tenant, false, true);
        String clientId = app.get("client_id").asText();
        String secret = app.get("client_secret").asText();
        String token = entraV1(azure, tenant, clientId, secret, DATABRICKS).json().get("access_token").asText();
        String management = entraV1(azure, tenant, clientId, secret, MANAGEMENT).json().get("access_token").asText();

        assertPermissionDenied(getWith(azure, token, Map.of()), "Service principal " + clientId
                + " is not a user of this workspace", "X-Databricks-Azure-SP-Management-Token");
        assertPermissionDenied(getWith(azure, token, Map.of("X-Databricks-Azure-SP-Management-Token", management)),
                "X-Databricks-Azure-Workspace-Resource-Id header is missing");
        assertPermissionDenied(getWith(azure, token, Map.of("X-Databricks-Azure-SP-Management-Token", management,
                "X-Databricks-Azure-Workspace-Resource-Id", resourceId + "-other")), "does not name this workspace");
        // the management token must be of the same app and have the management audience
        JsonNode other = entraApp(tenant, false, true);
        String otherManagement = entraV1(azure, tenant, other.get("client_id").asText(),
                other.get("client_secret").asText(), MANAGEMENT).json().get("access_token").asText();
        assertPermissionDenied(getWith(azure, token, Map.of("X-Databricks-Azure-SP-Management-Token", otherManagement,
                "X-Databricks-Azure-Workspace-Resource-Id", resourceId)), "not a live Azure management token");
        assertPermissionDenied(getWith(azure, token, Map.of("X-Databricks-Azure-SP-Management-Token", token,
                "X-Databricks-Azure-Workspace-Resource-Id", resourceId)), "not a live Azure management token");

        Reply added = getWith(azure, token, Map.of("X-Databricks-Azure-SP-Management-Token", management,
                "X-Databricks-Azure-Workspace-Resource-Id", resourceId.toUpperCase()));
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        assertThat(added.json().get("applicationId").asText()).isEqualTo(clientId);
        // a member now: the plain token is enough
        assertThat(EmulatorFixture.get(azure.url() + ME, token).status()).isEqualTo(200);
        assertThat(EmulatorFixture.get(admin(azure) + "/service-principals", null).body()).contains(clientId);
    }

    @Test
    void nonContributorIsNotAddedEvenWithEveryHeader() throws Exception {
        JsonNode app = entraApp(tenant, false, false);
        String clientId = app.get("client_id").asText();
        String secret = app.get("client_secret").asText();
        String token = entraV1(azure, tenant, clientId, secret, DATABRICKS).json().get("access_token").asText();
        String management = entraV1(azure, tenant, clientId, secret, MANAGEMENT).json().get("access_token").asText();
        assertPermissionDenied(getWith(azure, token, Map.of("X-Databricks-Azure-SP-Management-Token", management,
                "X-Databricks-Azure-Workspace-Resource-Id", resourceId)), "no Contributor role");
    }

    @Test
    void revokedAndDeletedAppsLoseTheirTokens() throws Exception {
        JsonNode app = entraApp(tenant, true, false);
        String clientId = app.get("client_id").asText();
        String secret = app.get("client_secret").asText();
        String first = entraV1(azure, tenant, clientId, secret, DATABRICKS).json().get("access_token").asText();
        assertThat(EmulatorFixture.get(azure.url() + ME, first).status()).isEqualTo(200);

        Reply revoke = EmulatorFixture.post(admin(azure) + "/cloud-tokens/revoke", null,
                "{\"client_id\":\"" + clientId + "\"}");
        assertThat(revoke.json().get("revoked").asInt()).isEqualTo(1);
        assertInvalidToken(EmulatorFixture.get(azure.url() + ME, first));
        String second = entraV1(azure, tenant, clientId, secret, DATABRICKS).json().get("access_token").asText();
        assertThat(EmulatorFixture.get(azure.url() + ME, second).status()).isEqualTo(200);

        assertThat(EmulatorFixture.delete(admin(azure) + "/entra/apps/" + clientId).status()).isEqualTo(200);
        assertInvalidToken(EmulatorFixture.get(azure.url() + ME, second));
        assertEntraError(entraV1(azure, tenant, clientId, secret, DATABRICKS), 400, "unauthorized_client", 700016);
        assertThat(EmulatorFixture.delete(admin(azure) + "/entra/apps/" + clientId).status()).isEqualTo(404);
        assertThat(EmulatorFixture.post(admin(azure) + "/cloud-tokens/revoke", null,
                "{\"client_id\":\"" + clientId + "\"}").status()).isEqualTo(404);
    }

    @Test
    void entraAdminBodiesAreValidated() throws Exception {
        String apps = admin(azure) + "/entra/apps";
        assertBadRequest(EmulatorFixture.post(apps, null, "{}"), "Missing required field: tenant_id");
        assertBadRequest(EmulatorFixture.post(apps, null, "{\"tenant_id\":\"contoso\"}"), "must be a GUID");
        assertBadRequest(EmulatorFixture.post(apps, null, "{\"tenant_id\":\"" + tenant + "\",\"owner\":1}"),
                "Unknown field 'owner'");
        assertBadRequest(EmulatorFixture.post(apps, null, "{\"tenant_id\":\"" + tenant + "\",\"client_id\":\"a:b\"}"),
                "client_id may only contain");
        assertBadRequest(EmulatorFixture.post(apps, null, "{\"tenant_id\":\"" + tenant
                + "\",\"secret_lifetime_seconds\":0}"), "secret_lifetime_seconds must be an integer");
        assertBadRequest(EmulatorFixture.post(apps, null, "{\"tenant_id\":\"" + tenant + "\",\"contributor\":\"yes\"}"),
                "contributor must be true or false");
        String id = UUID.randomUUID().toString();
        Reply created = EmulatorFixture.post(apps, null, "{\"tenant_id\":\"" + tenant + "\",\"client_id\":\"" + id
                + "\",\"client_secret\":\"my-secret\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("client_secret").asText()).isEqualTo("my-secret");
        assertThat(EmulatorFixture.post(apps, null, "{\"tenant_id\":\"" + tenant + "\",\"client_id\":\"" + id + "\"}")
                .status()).isEqualTo(409);
        assertThat(EmulatorFixture.post(apps + "/nope/rotate-secret", null, "{}").status()).isEqualTo(404);
        assertBadRequest(EmulatorFixture.post(admin(azure) + "/cloud-tokens/revoke", null, "{}"), "Exactly one of");
        assertBadRequest(EmulatorFixture.post(admin(azure) + "/cloud-tokens/revoke", null,
                "{\"client_id\":\"" + id + "\",\"email\":\"a@b.c\"}"), "Exactly one of");
    }

    // ---- Google token endpoint

    @Test
    void googleKeyJsonHasGooglesShape() throws Exception {
        Reply created = EmulatorFixture.post(admin(gcp) + "/google/service-accounts", null, "{}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode key = created.json();
        assertThat(key.get("type").asText()).isEqualTo("service_account");
        assertThat(key.get("client_email").asText()).endsWith("@emulator-project.iam.gserviceaccount.com");
        assertThat(key.get("project_id").asText()).isEqualTo("emulator-project");
        assertThat(key.get("private_key_id").asText()).matches("[0-9a-f]{40}");
        assertThat(key.get("private_key").asText()).startsWith("-----BEGIN PRIVATE KEY-----\n")
                .endsWith("\n-----END PRIVATE KEY-----\n");
        assertThat(key.get("client_id").asText()).matches("\\d{21}");
        assertThat(key.get("token_uri").asText()).isEqualTo(gcp.url() + "/google/token");
        assertThat(key.get("universe_domain").asText()).isEqualTo("googleapis.com");
        for (String field : new String[] {"auth_uri", "auth_provider_x509_cert_url", "client_x509_cert_url"}) {
            assertThat(key.get(field).asText()).startsWith("https://");
        }
        assertThat(privateKey(key)).isNotNull();
        assertBadRequest(EmulatorFixture.post(admin(gcp) + "/google/service-accounts", null, "{\"email\":\"a/b\"}"),
                "email must be an e-mail address");
        assertThat(EmulatorFixture.post(admin(gcp) + "/google/service-accounts", null,
                "{\"email\":\"" + key.get("client_email").asText() + "\"}").status()).isEqualTo(409);
    }

    @Test
    void googleIssuesIdTokensAndAccessTokensThatSignInToTheGcpWorkspace() throws Exception {
        JsonNode key = serviceAccount(true);
        String email = key.get("client_email").asText();
        Reply id = google(gcp, assertion(key, Map.of("target_audience", GCP_HOST), gcp.url() + "/google/token"));
        assertThat(id.status()).as(id.body()).isEqualTo(200);
        assertThat(id.json().size()).isEqualTo(1);
        String idToken = id.json().get("id_token").asText();
        SignedJWT jwt = SignedJWT.parse(idToken);
        JWKSet certs = JWKSet.parse(EmulatorFixture.get(gcp.url() + "/google/oauth2/v3/certs", null).body());
        assertThat(jwt.verify(new RSASSAVerifier((RSAKey) certs.getKeyByKeyId(jwt.getHeader().getKeyID())))).isTrue();
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("https://accounts.google.com");
        assertThat(claims.getAudience()).containsExactly(GCP_HOST);
        assertThat(claims.getSubject()).isEqualTo(key.get("client_id").asText());
        assertThat(claims.getStringClaim("azp")).isEqualTo(key.get("client_id").asText());
        assertThat(claims.getStringClaim("email")).isEqualTo(email);
        assertThat(claims.getBooleanClaim("email_verified")).isTrue();
        assertThat(claims.getExpirationTime()).isAfter(claims.getIssueTime());

        // Google's own token URL is an accepted audience too (clients sign for it whatever token_uri says)
        Reply access = google(gcp, assertion(key, Map.of("scope", "https://www.googleapis.com/auth/cloud-platform"),
                "https://oauth2.googleapis.com/token"));
        assertThat(access.status()).as(access.body()).isEqualTo(200);
        assertThat(access.json().get("access_token").asText()).startsWith("ya29.");
        assertThat(access.json().get("token_type").asText()).isEqualTo("Bearer");
        assertThat(access.json().get("expires_in").asLong()).isBetween(3500L, 3600L);
        String accessToken = access.json().get("access_token").asText();

        Reply me = getWith(gcp, idToken, Map.of("X-Databricks-GCP-SA-Access-Token", accessToken));
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().get("userName").asText()).isEqualTo(email);
        assertThat(getWith(gcp, idToken, Map.of("X-Databricks-GCP-SA-Access-Token", accessToken)).status())
                .isEqualTo(200);
        // the opaque access token alone is no workspace credential
        assertInvalidToken(EmulatorFixture.get(gcp.url() + ME, accessToken));
    }

    @Test
    void googleErrorsUseGooglesWording() throws Exception {
        JsonNode key = serviceAccount(false);
        String tokenUri = gcp.url() + "/google/token";
        Map<String, Object> audience = Map.of("target_audience", GCP_HOST);
        Instant now = Instant.now();

        assertGoogleError(google(gcp, sign(key, key.get("private_key_id").asText() + "0", claims(key, tokenUri, now,
                now.plusSeconds(3600), audience))), "invalid_grant", "Invalid JWT Signature.");
        JsonNode other = serviceAccount(false);
        assertGoogleError(google(gcp, signWith(other, key.get("private_key_id").asText(), claims(key, tokenUri, now,
                now.plusSeconds(3600), audience))), "invalid_grant", "Invalid JWT Signature.");
        String timeframe = "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
                + "Check your iat and exp values in the JWT claim.";
        assertGoogleError(google(gcp, sign(key, null, claims(key, tokenUri, now, now.plusSeconds(3601), audience))),
                "invalid_grant", timeframe);
        assertGoogleError(google(gcp, sign(key, null, claims(key, tokenUri, now.minusSeconds(120),
                now.minusSeconds(10), audience))), "invalid_grant", timeframe);
        assertGoogleError(google(gcp, sign(key, null, claims(key, tokenUri, now.plusSeconds(120),
                now.plusSeconds(600), audience))), "invalid_grant", timeframe);
        assertGoogleError(google(gcp, sign(key, null, claims(key, "https://example.com/token", now,
                now.plusSeconds(3600), audience))), "invalid_grant", "Invalid JWT: Failed audience check.");
        Map<String, Object> unknown = new LinkedHashMap<>(claimsMap(key, tokenUri, now, now.plusSeconds(3600), audience));
        unknown.put("iss", "ghost@emulator-project.iam.gserviceaccount.com");
        assertGoogleError(google(gcp, sign(key, null, unknown)), "invalid_grant", "Invalid grant: account not found");
        assertGoogleError(google(gcp, sign(key, null, claims(key, tokenUri, now, now.plusSeconds(3600),
                Map.of("scope", "")))), "invalid_scope", null);
        Reply grant = form(gcp.url() + "/google/token", Map.of("grant_type", "client_credentials",
                "assertion", assertion(key, audience, tokenUri)), null);
        assertGoogleError(grant, "unsupported_grant_type", null);
    }

    // ---- GCP workspace authentication

    @Test
    void gcpWorkspaceNeedsTheAccessTokenHeaderTheRightAudienceAndMembership() throws Exception {
        JsonNode key = serviceAccount(true);
        String email = key.get("client_email").asText();
        String tokenUri = gcp.url() + "/google/token";
        String idToken = google(gcp, assertion(key, Map.of("target_audience", GCP_HOST), tokenUri)).json()
                .get("id_token").asText();
        String access = google(gcp, assertion(key, Map.of("scope", "https://www.googleapis.com/auth/cloud-platform"),
                tokenUri)).json().get("access_token").asText();

        assertPermissionDenied(EmulatorFixture.get(gcp.url() + ME, idToken), "X-Databricks-GCP-SA-Access-Token");
        assertPermissionDenied(getWith(gcp, idToken, Map.of("X-Databricks-GCP-SA-Access-Token", "ya29.forged")),
                "X-Databricks-GCP-SA-Access-Token", email);
        JsonNode other = serviceAccount(true);
        String otherAccess = google(gcp, assertion(other, Map.of("scope", "https://www.googleapis.com/auth/compute"),
                tokenUri)).json().get("access_token").asText();
        assertPermissionDenied(getWith(gcp, idToken, Map.of("X-Databricks-GCP-SA-Access-Token", otherAccess)),
                "X-Databricks-GCP-SA-Access-Token");

        String wrongAudience = google(gcp, assertion(key, Map.of("target_audience", "https://other.gcp.databricks.com"),
                tokenUri)).json().get("id_token").asText();
        assertInvalidToken(getWith(gcp, wrongAudience, Map.of("X-Databricks-GCP-SA-Access-Token", access)));

        JsonNode outsider = serviceAccount(false);
        String outsiderId = google(gcp, assertion(outsider, Map.of("target_audience", GCP_HOST), tokenUri)).json()
                .get("id_token").asText();
        String outsiderAccess = google(gcp, assertion(outsider, Map.of("scope", "s"), tokenUri)).json()
                .get("access_token").asText();
        assertPermissionDenied(getWith(gcp, outsiderId, Map.of("X-Databricks-GCP-SA-Access-Token", outsiderAccess)),
                "is not a user of this workspace");

        // Azure and AWS workspaces refuse Google ID tokens
        assertInvalidToken(getWith(aws, idToken, Map.of("X-Databricks-GCP-SA-Access-Token", access)));
        assertInvalidToken(getWith(azure, idToken, Map.of("X-Databricks-GCP-SA-Access-Token", access)));
        assertThat(getWith(gcp, idToken, Map.of("X-Databricks-GCP-SA-Access-Token", access)).status()).isEqualTo(200);
    }

    @Test
    void deletedKeysRevokedSessionsAndDeletedAccountsStopWorking() throws Exception {
        JsonNode key = serviceAccount(true);
        String email = key.get("client_email").asText();
        String tokenUri = gcp.url() + "/google/token";
        Map<String, Object> audience = Map.of("target_audience", GCP_HOST);
        Map<String, Object> scope = Map.of("scope", "https://www.googleapis.com/auth/cloud-platform");
        String idToken = google(gcp, assertion(key, audience, tokenUri)).json().get("id_token").asText();
        String access = google(gcp, assertion(key, scope, tokenUri)).json().get("access_token").asText();
        assertThat(getWith(gcp, idToken, Map.of("X-Databricks-GCP-SA-Access-Token", access)).status()).isEqualTo(200);

        Reply second = EmulatorFixture.post(admin(gcp) + "/google/service-accounts/" + email + "/keys", null, "");
        assertThat(second.status()).isEqualTo(201);
        JsonNode secondKey = second.json();
        assertThat(secondKey.get("private_key_id").asText()).isNotEqualTo(key.get("private_key_id").asText());

        Reply deleted = EmulatorFixture.delete(admin(gcp) + "/google/service-accounts/" + email + "/keys/"
                + key.get("private_key_id").asText());
        assertThat(deleted.status()).isEqualTo(200);
        assertGoogleError(google(gcp, assertion(key, audience, tokenUri)), "invalid_grant", "Invalid JWT Signature.");
        assertInvalidToken(getWith(gcp, idToken, Map.of("X-Databricks-GCP-SA-Access-Token", access)));
        String idToken2 = google(gcp, assertion(secondKey, audience, tokenUri)).json().get("id_token").asText();
        String access2 = google(gcp, assertion(secondKey, scope, tokenUri)).json().get("access_token").asText();
        assertPermissionDenied(getWith(gcp, idToken2, Map.of("X-Databricks-GCP-SA-Access-Token", access)),
                "X-Databricks-GCP-SA-Access-Token");
        assertThat(getWith(gcp, idToken2, Map.of("X-Databricks-GCP-SA-Access-Token", access2)).status()).isEqualTo(200);

        Reply revoked = EmulatorFixture.post(admin(gcp) + "/cloud-tokens/revoke", null, "{\"email\":\"" + email + "\"}");
        assertThat(revoked.json().get("revoked").asInt()).isEqualTo(4);
        assertInvalidToken(getWith(gcp, idToken2, Map.of("X-Databricks-GCP-SA-Access-Token", access2)));
        String idToken3 = google(gcp, assertion(secondKey, audience, tokenUri)).json().get("id_token").asText();
        String access3 = google(gcp, assertion(secondKey, scope, tokenUri)).json().get("access_token").asText();
        assertThat(getWith(gcp, idToken3, Map.of("X-Databricks-GCP-SA-Access-Token", access3)).status()).isEqualTo(200);

        assertThat(EmulatorFixture.delete(admin(gcp) + "/google/service-accounts/" + email).status()).isEqualTo(200);
        assertInvalidToken(getWith(gcp, idToken3, Map.of("X-Databricks-GCP-SA-Access-Token", access3)));
        assertGoogleError(google(gcp, assertion(secondKey, audience, tokenUri)), "invalid_grant",
                "Invalid grant: account not found");
        assertThat(EmulatorFixture.delete(admin(gcp) + "/google/service-accounts/" + email).status()).isEqualTo(404);
    }

    // ---- request log

    @Test
    void requestLogCountsCloudTokenRequests() throws Exception {
        JsonNode app = entraApp(tenant, false, false);
        JsonNode key = serviceAccount(false);
        EmulatorFixture.delete(admin(aws) + "/requests");
        entraV1(aws, tenant, app.get("client_id").asText(), app.get("client_secret").asText(), DATABRICKS);
        entraV2(aws, tenant, app.get("client_id").asText(), "wrong", DATABRICKS + "/.default");
        google(aws, assertion(key, Map.of("target_audience", GCP_HOST), aws.url() + "/google/token"));
        JsonNode requests = EmulatorFixture.get(admin(aws) + "/requests", null).json();
        assertThat(requests.get("cloud_token_requests").toString())
                .isEqualTo("{\"entra\":2,\"entra_failed\":1,\"google\":1,\"google_failed\":0}");
        assertThat(requests.get("by_route").get("POST /entra/" + tenant + "/oauth2/token").asInt()).isEqualTo(1);
        assertThat(requests.get("by_route").get("POST /entra/" + tenant + "/oauth2/v2.0/token").asInt()).isEqualTo(1);
        assertThat(requests.get("by_route").get("POST /google/token").asInt()).isEqualTo(1);
        assertThat(requests.get("token_requests").get("client_credentials").asInt()).isZero();
    }

    // ---- a workspace made alone has identity providers of its own

    @Test
    void aWorkspaceOutsideTheServerHasItsOwnProviders() throws Exception {
        EmulatorProperties properties = EmulatorFixture.fastProperties();
        try (Workspace solo = new Workspace(WorkspaceSettings.resolveAll(properties).get(0), properties)) {
            solo.start();
            assertThat(solo.cloudIdentities()).isNotSameAs(azure.cloudIdentities());
            assertThat(azure.cloudIdentities()).isSameAs(gcp.cloudIdentities());
            EmulatorFixture.put(admin(solo) + "/cloud", "{\"cloud\":\"azure\",\"host\":\"" + AZURE_HOST
                    + "\",\"azure_tenant_id\":\"" + tenant + "\"}");
            JsonNode app = entraApp(tenant, true, false);
            String shared = entraV1(azure, tenant, app.get("client_id").asText(), app.get("client_secret").asText(),
                    DATABRICKS).json().get("access_token").asText();
            assertInvalidToken(EmulatorFixture.get(solo.url() + ME, shared));
            assertEntraError(entraV1(solo, tenant, app.get("client_id").asText(), app.get("client_secret").asText(),
                    DATABRICKS), 400, "invalid_request", 90002);
        }
    }

    // ---- helpers

    /** Sleeps until just after the instant (a slow machine may already be past it). */
    private static void sleepUntil(Instant instant) throws InterruptedException {
        long millis = Duration.between(Instant.now(), instant).toMillis() + 200;
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private static String admin(Workspace ws) {
        return ws.url() + "/emulator/admin";
    }

    private static String metadataCloud(Workspace ws) throws Exception {
        return EmulatorFixture.get(ws.url() + "/.well-known/databricks-config", null).json().get("cloud").asText();
    }

    private JsonNode entraApp(String tenantId, boolean workspaceUser, boolean contributor) throws Exception {
        return entraAppWith("{\"tenant_id\":\"" + tenantId + "\",\"workspace_user\":" + workspaceUser
                + ",\"contributor\":" + contributor + "}");
    }

    private JsonNode entraAppWith(String body) throws Exception {
        Reply reply = EmulatorFixture.post(admin(azure) + "/entra/apps", null, body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }

    private JsonNode serviceAccount(boolean workspaceUser) throws Exception {
        Reply reply = EmulatorFixture.post(admin(gcp) + "/google/service-accounts", null,
                "{\"workspace_user\":" + workspaceUser + "}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }

    private static Reply entraV1(Workspace ws, String tenantId, String clientId, String secret, String resource)
            throws Exception {
        Map<String, String> fields = new LinkedHashMap<>(Map.of("grant_type", "client_credentials",
                "client_id", clientId, "client_secret", secret));
        if (resource != null) {
            fields.put("resource", resource);
        }
        return form(ws.url() + "/entra/" + tenantId + "/oauth2/token", fields, null);
    }

    private static Reply entraV2(Workspace ws, String tenantId, String clientId, String secret, String scope)
            throws Exception {
        return form(ws.url() + "/entra/" + tenantId + "/oauth2/v2.0/token", Map.of("grant_type", "client_credentials",
                "client_id", clientId, "client_secret", secret, "scope", scope), null);
    }

    private static Reply google(Workspace ws, String assertion) throws Exception {
        return form(ws.url() + "/google/token", Map.of("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "assertion", assertion), null);
    }

    private static String assertion(JsonNode key, Map<String, Object> extra, String audience) throws Exception {
        Instant now = Instant.now();
        return sign(key, null, claims(key, audience, now, now.plusSeconds(3600), extra));
    }

    private static Map<String, Object> claimsMap(JsonNode key, String audience, Instant iat, Instant exp,
                                                 Map<String, Object> extra) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", key.get("client_email").asText());
        claims.put("aud", audience);
        claims.put("iat", iat.getEpochSecond());
        claims.put("exp", exp.getEpochSecond());
        claims.putAll(extra);
        return claims;
    }

    private static Map<String, Object> claims(JsonNode key, String audience, Instant iat, Instant exp,
                                              Map<String, Object> extra) {
        return claimsMap(key, audience, iat, exp, extra);
    }

    /** Signed with the key's own private key; {@code kid} overrides the header's key id when not null. */
    private static String sign(JsonNode key, String kid, Map<String, Object> claims) throws Exception {
        return signWith(key, kid != null ? kid : key.get("private_key_id").asText(), claims);
    }

    private static String signWith(JsonNode key, String kid, Map<String, Object> claims) throws Exception {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        claims.forEach((name, value) -> {
            if (value instanceof Long seconds && (name.equals("iat") || name.equals("exp"))) {
                builder.claim(name, new Date(seconds * 1000));
            } else {
                builder.claim(name, value);
            }
        });
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(kid)
                .build(), builder.build());
        jwt.sign(new RSASSASigner(privateKey(key)));
        return jwt.serialize();
    }

    private static PrivateKey privateKey(JsonNode key) throws Exception {
        String pem = key.get("private_key").asText().replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    private static Reply getWith(Workspace ws, String bearer, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ws.url() + ME)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearer).GET();
        headers.forEach(b::header);
        return EmulatorFixture.send(b.build());
    }

    static Reply form(String url, Map<String, String> fields, String authorization) throws Exception {
        String body = fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return EmulatorFixture.send(b.build());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static JsonNode assertEntraError(Reply reply, int status, String error, int code) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        JsonNode body = reply.json();
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("error_codes").toString()).isEqualTo("[" + code + "]");
        assertThat(body.get("error_description").asText()).startsWith("AADSTS" + code + ": ");
        assertThat(body.has("trace_id") && body.has("correlation_id") && body.has("timestamp")).isTrue();
        return body;
    }

    private static void assertGoogleError(Reply reply, String error, String description) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).isEqualTo(error);
        if (description != null) {
            assertThat(reply.json().get("error_description").asText()).isEqualTo(description);
        }
    }

    private static void assertInvalidToken(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(403);
        assertThat(reply.json().get("error_code").asInt()).isEqualTo(403);
        assertThat(reply.json().get("message").asText()).isEqualTo("Invalid access token.");
    }

    private static void assertPermissionDenied(Reply reply, String... fragments) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(403);
        assertThat(reply.json().get("error_code").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(reply.json().get("message").asText()).contains(fragments);
    }

    private static void assertBadRequest(Reply reply, String fragment) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("message").asText()).contains(fragment);
    }
}
