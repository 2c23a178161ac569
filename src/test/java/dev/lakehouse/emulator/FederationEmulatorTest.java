package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;

import dev.lakehouse.emulator.EmulatorFixture.Reply;
import dev.lakehouse.emulator.admin.FederationAdminEndpoints;
import dev.lakehouse.emulator.auth.FederationPolicies;
import dev.lakehouse.emulator.auth.IdentityDirectory;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.ApiResponse;
import dev.lakehouse.emulator.http.Router;

/**
 * OAuth token federation in the emulator, over real HTTP on loopback: a tiny OIDC issuer of the test (discovery
 * document and JWKS of keys made here), federation policies created with the admin API, token exchanges at
 * {@code /oidc/v1/token} and the workspace APIs called with the tokens they buy. {@code acme} holds the
 * account-wide policies, {@code globex} the service principal ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class FederationEmulatorTest {

    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt";
    static final String ME = "/api/2.0/preview/scim/v2/Me";

    private EmulatorServer server;
    private Workspace acme;
    private Workspace globex;
    private final List<TestIssuer> issuers = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        EmulatorProperties properties = EmulatorFixture.fastProperties();
        properties.getWorkspaces().put("globex", new EmulatorProperties.WorkspaceProperties());
        server = new EmulatorServer(properties).start();
        acme = server.workspace("acme");
        globex = server.workspace("globex");
    }

    @AfterEach
    void stopIssuers() {
        issuers.forEach(TestIssuer::close);
        issuers.clear();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    // ---- host metadata

    @Test
    void hostMetadataAnnouncesTheAccountAndTheDefaultFederationAudience() throws Exception {
        JsonNode metadata = EmulatorFixture.get(acme.url() + "/.well-known/databricks-config", null).json();
        String accountId = acme.settings().accountId();
        assertThat(UUID.fromString(accountId).toString()).isEqualTo(accountId);
        assertThat(metadata.get("account_id").asText()).isEqualTo(accountId);
        assertThat(metadata.get("token_federation_default_oidc_audiences").toString())
                .isEqualTo("[\"" + accountId + "\"]");
        assertThat(globex.settings().accountId()).isNotEqualTo(accountId);
        JsonNode discovery = EmulatorFixture.get(acme.url() + "/oidc/.well-known/oauth-authorization-server", null).json();
        assertThat(discovery.get("grant_types_supported").toString()).contains(TOKEN_EXCHANGE);
    }

    // ---- account-wide policies

    @Test
    void accountPolicyExchangeBuysAWorkspaceTokenOfTheUser() throws Exception {
        TestIssuer idp = issuer();
        JsonNode policy = createPolicy(acme, accountPolicy(idp.issuer, List.of("databricks"), null)).json();
        assertThat(policy.get("oidc_policy").get("subject_claim").asText()).isEqualTo("sub");
        JsonNode before = counters(acme);

        // user names are case-insensitive
        Reply reply = exchange(acme, idp.sign(claims(idp.issuer, "databricks", "ALICE@acme.example")), null, null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode body = reply.json();
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("scope").asText()).isEqualTo("all-apis");
        long lifetime = acme.oauth().current().accessTokenLifetime().toSeconds();
        assertThat(body.get("expires_in").asLong()).isBetween(lifetime - 5, lifetime);
        assertThat(body.has("refresh_token")).isFalse();
        String token = body.get("access_token").asText();

        Reply me = EmulatorFixture.get(acme.url() + ME, token);
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().get("userName").asText()).isEqualTo("alice@acme.example");
        assertThat(EmulatorFixture.get(acme.url() + "/api/2.1/unity-catalog/catalogs", token).status()).isEqualTo(200);
        // another workspace does not know the token
        assertThat(EmulatorFixture.get(globex.url() + ME, token).status()).isEqualTo(403);

        JsonNode after = counters(acme);
        assertThat(after.get("ok").asLong()).isEqualTo(before.get("ok").asLong() + 1);
        assertThat(after.get("refused").asLong()).isEqualTo(before.get("refused").asLong());

        // the token is a grant like any other: grants/revoke ends it
        Reply revoke = EmulatorFixture.post(admin(acme) + "/grants/revoke", null, "{\"user_name\":\"alice@acme.example\"}");
        assertThat(revoke.status()).as(revoke.body()).isEqualTo(200);
        assertThat(EmulatorFixture.get(acme.url() + ME, token).status()).isEqualTo(403);

        // a narrower scope, and another subject claim on a second policy of the same issuer
        createPolicy(acme, "{\"oidc_policy\":{\"issuer\":\"" + idp.issuer + "\",\"audiences\":[\"other-aud\"],"
                + "\"subject_claim\":\"email\"}}");
        Map<String, Object> emailClaims = claims(idp.issuer, "other-aud", "not-a-user");
        emailClaims.put("email", "alice@acme.example");
        Reply byEmail = exchange(acme, idp.sign(emailClaims), "sql offline_access", null);
        assertThat(byEmail.status()).as(byEmail.body()).isEqualTo(200);
        assertThat(byEmail.json().get("scope").asText()).isEqualTo("sql offline_access");
        assertThat(EmulatorFixture.get(acme.url() + ME, byEmail.json().get("access_token").asText())
                .json().get("userName").asText()).isEqualTo("alice@acme.example");
    }

    @Test
    void audienceDefaultsToTheAccountIdAndMayBeAnArray() throws Exception {
        TestIssuer idp = issuer();
        JsonNode policy = createPolicy(acme, "{\"name\":\"default-aud-" + UUID.randomUUID() + "\",\"oidc_policy\":"
                + "{\"issuer\":\"" + idp.issuer + "\"}}").json();
        String accountId = acme.settings().accountId();
        assertThat(policy.get("oidc_policy").get("audiences").toString()).isEqualTo("[\"" + accountId + "\"]");
        Map<String, Object> claims = claims(idp.issuer, null, "alice@acme.example");
        claims.put("aud", List.of("something-else", accountId));
        Reply reply = exchange(acme, idp.sign(claims), null, null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }

    @Test
    void es256TokensAreAccepted() throws Exception {
        TestIssuer idp = issuer();
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        idp.publish(idp.rsa.toPublicJWK(), ec.toPublicJWK());
        createPolicy(acme, accountPolicy(idp.issuer, List.of("databricks"), null));
        String token = sign(new ECDSASigner(ec), JWSAlgorithm.ES256, "ec-1", claims(idp.issuer, "databricks",
                "alice@acme.example"));
        Reply reply = exchange(acme, token, null, null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }

    // ---- service principal policies

    @Test
    void servicePrincipalPolicyNeedsClientIdAndTheExactSubject() throws Exception {
        TestIssuer idp = issuer();
        String sp = globex.settings().m2mClients().get(0).getClientId();
        String subject = "repo:my-org/my-repo:environment:prod";
        JsonNode policy = createPolicy(globex, "{\"oidc_policy\":{\"issuer\":\"" + idp.issuer + "\",\"subject\":\""
                + subject + "\"},\"service_principal_id\":\"" + sp + "\"}").json();
        assertThat(policy.get("service_principal_id").asText()).isEqualTo(sp);
        assertThat(policy.get("oidc_policy").get("subject").asText()).isEqualTo(subject);
        String accountId = globex.settings().accountId();

        Reply reply = exchange(globex, idp.sign(claims(idp.issuer, accountId, subject)), null, sp);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        String token = reply.json().get("access_token").asText();
        Reply me = EmulatorFixture.get(globex.url() + ME, token);
        assertThat(me.json().get("userName").asText()).isEqualTo(sp);
        assertThat(me.json().get("applicationId").asText()).isEqualTo(sp);
        // revoking the client's tokens ends it, as for M2M tokens
        EmulatorFixture.post(admin(globex) + "/tokens/revoke", null, "{\"client_id\":\"" + sp + "\"}");
        assertThat(EmulatorFixture.get(globex.url() + ME, token).status()).isEqualTo(403);

        assertRefused(exchange(globex, idp.sign(claims(idp.issuer, accountId, "repo:my-org/my-repo:ref:main")), null, sp),
                "invalid_grant", "Subject 'repo:my-org/my-repo:ref:main' (claim sub) does not match the subject of "
                        + "federation policy " + policy.get("name").asText() + " of service principal " + sp);
        // without client_id only the account-wide policies apply (globex has none)
        assertRefused(exchange(globex, idp.sign(claims(idp.issuer, accountId, subject)), null, null),
                "invalid_grant", "The account has no federation policy");
        assertRefused(exchange(globex, idp.sign(claims(idp.issuer, accountId, subject)), null, "no-such-sp"),
                "invalid_grant", "Service principal 'no-such-sp' not found in this workspace");
        TestIssuer other = issuer();
        assertRefused(exchange(globex, other.sign(claims(other.issuer, accountId, subject)), null, sp),
                "invalid_grant", "No federation policy of service principal " + sp + " matches issuer '"
                        + other.issuer + "'");
    }

    // ---- the official Java SDK (file-oidc: it reads the JWT from a file and exchanges it itself)

    @Test
    void theJavaSdkExchangesAFederatedTokenForAUserAndForAServicePrincipal() throws Exception {
        TestIssuer idp = issuer();
        createPolicy(acme, accountPolicy(idp.issuer, List.of("databricks"), null));
        java.nio.file.Path file = java.nio.file.Files.createTempFile("federated", ".jwt");
        try {
            java.nio.file.Files.writeString(file, idp.sign(claims(idp.issuer, "databricks", "alice@acme.example")));
            com.databricks.sdk.WorkspaceClient user = new com.databricks.sdk.WorkspaceClient(
                    new com.databricks.sdk.core.DatabricksConfig().setHost(acme.url()).setAuthType("file-oidc")
                            .setOidcTokenFilepath(file.toString()));
            assertThat(user.currentUser().me(new com.databricks.sdk.service.iam.MeRequest()).getUserName()).isEqualTo("alice@acme.example");

            String sp = acme.settings().m2mClients().get(0).getClientId();
            createPolicy(acme, "{\"oidc_policy\":{\"issuer\":\"" + idp.issuer + "\",\"subject\":\"workload-1\"},"
                    + "\"service_principal_id\":\"" + sp + "\"}");
            java.nio.file.Files.writeString(file, idp.sign(claims(idp.issuer, acme.settings().accountId(), "workload-1")));
            com.databricks.sdk.WorkspaceClient workload = new com.databricks.sdk.WorkspaceClient(
                    new com.databricks.sdk.core.DatabricksConfig().setHost(acme.url()).setAuthType("file-oidc")
                            .setClientId(sp).setOidcTokenFilepath(file.toString()));
            assertThat(workload.currentUser().me(new com.databricks.sdk.service.iam.MeRequest()).getUserName()).isEqualTo(sp);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    // ---- refusals

    @Test
    void everyFailedCheckIsARefusalThatSaysWhy() throws Exception {
        TestIssuer idp = issuer();
        JsonNode policy = createPolicy(acme, accountPolicy(idp.issuer, List.of("databricks"), null)).json();
        String name = policy.get("name").asText();
        String good = idp.sign(claims(idp.issuer, "databricks", "alice@acme.example"));
        JsonNode before = counters(acme);

        assertRefused(form(acme, Map.of("grant_type", TOKEN_EXCHANGE, "subject_token_type", JWT_TYPE)),
                "invalid_request", "Missing subject_token");
        assertRefused(form(acme, Map.of("grant_type", TOKEN_EXCHANGE, "subject_token", good)),
                "invalid_request", "Missing subject_token_type");
        assertRefused(form(acme, Map.of("grant_type", TOKEN_EXCHANGE, "subject_token", good,
                "subject_token_type", "urn:ietf:params:oauth:token-type:access_token")), "invalid_request",
                "Unsupported subject_token_type 'urn:ietf:params:oauth:token-type:access_token'");
        assertRefused(exchange(acme, "not-a-jwt", null, null), "invalid_request", "subject_token is not a signed JWT");
        assertRefused(exchange(acme, good, "all-apis clusters:admin", null), "invalid_scope",
                "Unknown scope 'clusters:admin'");

        TestIssuer stranger = issuer();
        assertRefused(exchange(acme, stranger.sign(claims(stranger.issuer, "databricks", "alice@acme.example")), null, null),
                "invalid_grant", "No federation policy of the account matches issuer '" + stranger.issuer + "'");
        assertRefused(exchange(acme, idp.sign(claims(idp.issuer, "someone-else", "alice@acme.example")), null, null),
                "invalid_grant", "Audience [someone-else] is not allowed by federation policy " + name
                        + " (allowed: [databricks])");
        Map<String, Object> expired = claims(idp.issuer, "databricks", "alice@acme.example");
        expired.put("exp", Instant.now().minusSeconds(300));
        assertRefused(exchange(acme, idp.sign(expired), null, null), "invalid_grant", "The subject token expired at");
        Map<String, Object> early = claims(idp.issuer, "databricks", "alice@acme.example");
        early.put("nbf", Instant.now().plusSeconds(600));
        assertRefused(exchange(acme, idp.sign(early), null, null), "invalid_grant", "The subject token is not valid before");
        Map<String, Object> noSub = claims(idp.issuer, "databricks", null);
        assertRefused(exchange(acme, idp.sign(noSub), null, null), "invalid_grant", "The subject token has no sub claim");
        assertRefused(exchange(acme, idp.sign(claims(idp.issuer, "databricks", "mallory@acme.example")), null, null),
                "invalid_grant", "User 'mallory@acme.example' (claim sub) not found in this workspace");

        // signed by a key the issuer does not publish, under its kid, and under an unknown kid
        RSAKey impostor = new RSAKeyGenerator(2048).keyID(idp.rsa.getKeyID()).generate();
        assertRefused(exchange(acme, sign(new RSASSASigner(impostor), JWSAlgorithm.RS256, impostor.getKeyID(),
                claims(idp.issuer, "databricks", "alice@acme.example")), null, null), "invalid_grant",
                "Invalid JWT signature: the subject token is not signed by the key '" + idp.rsa.getKeyID() + "'");
        assertRefused(exchange(acme, sign(new RSASSASigner(impostor), JWSAlgorithm.RS256, "unknown-kid",
                claims(idp.issuer, "databricks", "alice@acme.example")), null, null), "invalid_grant",
                "No key with kid 'unknown-kid' in the JWKS of issuer '" + idp.issuer + "'");
        // HS256 (a shared secret) is refused before any key is looked at
        String hs256 = sign(new MACSigner(new byte[32]), JWSAlgorithm.HS256, null,
                claims(idp.issuer, "databricks", "alice@acme.example"));
        assertRefused(exchange(acme, hs256, null, null), "invalid_grant", "Unsupported JWT signing algorithm HS256");
        // an unsecured JWT (alg none) is not a signed JWT at all
        String unsigned = new com.nimbusds.jwt.PlainJWT(JWTClaimsSet.parse(new java.util.HashMap<>(Map.of(
                "iss", idp.issuer, "aud", "databricks", "sub", "alice@acme.example",
                "exp", Instant.now().plusSeconds(300).getEpochSecond())))).serialize();
        assertRefused(exchange(acme, unsigned, null, null), "invalid_request", "subject_token is not a signed JWT");

        JsonNode after = counters(acme);
        assertThat(after.get("refused").asLong() - before.get("refused").asLong()).isEqualTo(15);
        assertThat(after.get("ok").asLong()).isEqualTo(before.get("ok").asLong());

        // the good token works, until its policy is deleted
        assertThat(exchange(acme, good, null, null).status()).isEqualTo(200);
        Reply deleted = EmulatorFixture.delete(admin(acme) + "/federation-policies/" + policy.get("uid").asText());
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().get("deleted").asBoolean()).isTrue();
        Reply afterDelete = exchange(acme, good, null, null);
        assertThat(afterDelete.status()).isEqualTo(400);
        assertThat(afterDelete.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(afterDelete.json().get("error_description").asText()).doesNotContain(good);
        assertThat(EmulatorFixture.delete(admin(acme) + "/federation-policies/" + policy.get("uid").asText()).status())
                .isEqualTo(404);
        // other grant types are untouched, and an unknown one is still unsupported_grant_type
        assertRefused(form(acme, Map.of("grant_type", "urn:ietf:params:oauth:grant-type:device_code")),
                "unsupported_grant_type", "Unsupported grant_type");
    }

    // ---- JWKS discovery and cache

    @Test
    void theIssuersKeysAreFetchedOnceAndARotatedKidIsPickedUp() throws Exception {
        TestIssuer idp = issuer();
        createPolicy(acme, accountPolicy(idp.issuer, List.of("databricks"), null));
        assertThat(exchange(acme, idp.sign(claims(idp.issuer, "databricks", "alice@acme.example")), null, null).status())
                .isEqualTo(200);
        assertThat(exchange(acme, idp.sign(claims(idp.issuer, "databricks", "alice@acme.example")), null, null).status())
                .isEqualTo(200);
        assertThat(idp.configFetches.get()).isEqualTo(1);
        assertThat(idp.jwksFetches.get()).isEqualTo(1);

        RSAKey oldKey = idp.rsa;
        idp.rotate();
        Reply rotated = exchange(acme, idp.sign(claims(idp.issuer, "databricks", "alice@acme.example")), null, null);
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        assertThat(idp.jwksFetches.get()).isEqualTo(2);
        // the retired key's tokens are refused now (its kid is gone even after one more fetch)
        String retired = sign(new RSASSASigner(oldKey), JWSAlgorithm.RS256, oldKey.getKeyID(),
                claims(idp.issuer, "databricks", "alice@acme.example"));
        assertRefused(exchange(acme, retired, null, null), "invalid_grant",
                "No key with kid '" + oldKey.getKeyID() + "' in the JWKS of issuer");

        // an issuer that cannot be reached
        idp.close();
        Reply unreachable = exchange(acme, sign(new RSASSASigner(idp.rsa), JWSAlgorithm.RS256, "yet-another-kid",
                claims(idp.issuer, "databricks", "alice@acme.example")), null, null);
        assertRefused(unreachable, "invalid_grant", "Cannot fetch the signing keys of issuer '" + idp.issuer + "'");
    }

    // ---- the admin API

    @Test
    void policiesAreListedAndValidatedOverHttp() throws Exception {
        TestIssuer idp = issuer();
        JsonNode created = createPolicy(acme, "{\"name\":\"listed-" + UUID.randomUUID() + "\",\"oidc_policy\":{"
                + "\"issuer\":\"" + idp.issuer + "\",\"audiences\":[\"a\",\"b\",\"a\"],\"subject_claim\":\"email\"}}").json();
        assertThat(created.get("uid").asText()).isNotBlank();
        assertThat(Instant.parse(created.get("create_time").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(created.get("oidc_policy").get("audiences").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(created.has("service_principal_id")).isFalse();
        JsonNode list = EmulatorFixture.get(admin(acme) + "/federation-policies", null).json().get("policies");
        assertThat(list.findValuesAsText("uid")).contains(created.get("uid").asText());
        assertThat(EmulatorFixture.get(admin(acme) + "/federation-policies/" + created.get("uid").asText(), null)
                .json()).isEqualTo(created);
        // policies are per workspace
        assertThat(EmulatorFixture.get(admin(globex) + "/federation-policies", null).json().get("policies")
                .findValuesAsText("uid")).doesNotContain(created.get("uid").asText());

        Reply duplicate = createPolicy(acme, "{\"name\":\"" + created.get("name").asText() + "\",\"oidc_policy\":{"
                + "\"issuer\":\"" + idp.issuer + "\"}}");
        assertThat(duplicate.status()).isEqualTo(409);
        assertBadRequest(createPolicy(acme, "{\"oidc_policy\":{\"issuer\":\"" + idp.issuer + "\"},\"jwks\":{}}"),
                "Unknown field 'jwks'");
        assertBadRequest(createPolicy(acme, "{\"oidc_policy\":{\"issuer\":\"http://idp.example.com\"}}"),
                "oidc_policy.issuer must be an https URL");
        Reply unknownSp = createPolicy(acme, "{\"oidc_policy\":{\"issuer\":\"" + idp.issuer + "\",\"subject\":\"x\"},"
                + "\"service_principal_id\":\"nobody\"}");
        assertThat(unknownSp.status()).isEqualTo(404);
        assertThat(unknownSp.json().get("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        assertThat(EmulatorFixture.get(admin(acme) + "/federation-policies/nope", null).status()).isEqualTo(404);
    }

    /** The admin API's validation without HTTP: the handler itself, on a workspace's settings and identities. */
    @Test
    void adminValidationUnitLevel() throws Exception {
        WorkspaceSettings settings = WorkspaceSettings.resolve("unit", new EmulatorProperties.WorkspaceProperties());
        FederationPolicies policies = new FederationPolicies();
        Router router = new Router();
        new FederationAdminEndpoints(settings, policies, new IdentityDirectory(settings)).register(router);
        Router.Match create = router.match("POST", "/emulator/admin/federation-policies");

        assertInvalid(create, "{}", "Missing required field: oidc_policy");
        assertInvalid(create, "{\"oidc_policy\":\"https://x\"}", "oidc_policy must be a JSON object");
        assertInvalid(create, "{\"oidc_policy\":{}}", "Missing required field: oidc_policy.issuer");
        assertInvalid(create, "{\"oidc_policy\":{\"issuer\":\"ftp://idp.example.com\"}}", "must be an https URL");
        assertInvalid(create, "{\"oidc_policy\":{\"issuer\":\"http://10.0.0.1/idp\"}}", "must be an https URL");
        assertInvalid(create, "{\"oidc_policy\":{\"issuer\":\"https://idp.example.com?x=1\"}}", "without query");
        assertInvalid(create, "{\"oidc_policy\":{\"issuer\":\"https://idp.example.com\",\"issuerr\":1}}",
                "Unknown field 'issuerr'");
        assertInvalid(create, "{\"oidc_policy\":{\"issuer\":\"https://idp.example.com\",\"audiences\":\"aud\"}}",
                "oidc_policy.audiences must be an array of strings");
        assertInvalid(create, "{\"oidc_policy\":{\"issuer\":\"https://idp.example.com\",\"audiences\":[\"\"]}}",
                "oidc_policy.audiences must hold non-empty strings");
        assertInvalid(create, "{\"oidc_policy\":{\"issuer\":\"https://idp.example.com\",\"subject_claim\":\"\"}}",
                "subject_claim must be a non-empty string");
        assertInvalid(create, "{\"oidc_policy\":{\"issuer\":\"https://idp.example.com\",\"subject\":\"x\"}}",
                "oidc_policy.subject is for service principal federation policies only");
        assertInvalid(create, "{\"oidc_policy\":{\"issuer\":\"https://idp.example.com\"},"
                + "\"service_principal_id\":\"unit-m2m-client\"}", "Missing required field: oidc_policy.subject");
        assertInvalid(create, "{\"oidc_policy\":{\"issuer\":\"https://idp.example.com\"},\"owner\":\"me\"}",
                "Unknown field 'owner'");
        assertThat(policies.list()).isEmpty();

        ApiResponse ok = (ApiResponse) create.handler().handle(adminRequest("{\"oidc_policy\":{\"issuer\":"
                + "\"http://localhost:1234/idp\"}}"));
        assertThat(ok.status()).isEqualTo(201);
        ApiResponse sp = (ApiResponse) create.handler().handle(adminRequest("{\"oidc_policy\":{\"issuer\":"
                + "\"https://token.actions.githubusercontent.com\",\"subject\":\"repo:o/r:ref:main\"},"
                + "\"service_principal_id\":\"unit-m2m-client\"}"));
        assertThat(sp.status()).isEqualTo(201);
        assertThat(policies.accountPolicies()).hasSize(1);
        assertThat(policies.accountPolicies().get(0).oidc().audiences()).containsExactly(settings.accountId());
        assertThat(policies.servicePrincipalPolicies("unit-m2m-client")).hasSize(1);
        assertThat(policies.servicePrincipalPolicies("unit-m2m-client").get(0).oidc().subjectClaim()).isEqualTo("sub");
    }

    // ---- helpers

    private TestIssuer issuer() throws Exception {
        TestIssuer idp = new TestIssuer();
        issuers.add(idp);
        return idp;
    }

    private static void assertInvalid(Router.Match create, String body, String message) {
        assertThatThrownBy(() -> create.handler().handle(adminRequest(body)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.toResponse().status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    private static ApiRequest adminRequest(String body) {
        return new ApiRequest("POST", "/emulator/admin/federation-policies", null,
                body.getBytes(StandardCharsets.UTF_8), new Headers(), new InetSocketAddress("127.0.0.1", 1));
    }

    private static String admin(Workspace ws) {
        return ws.url() + "/emulator/admin";
    }

    private static Reply createPolicy(Workspace ws, String json) throws Exception {
        return EmulatorFixture.post(admin(ws) + "/federation-policies", null, json);
    }

    private static String accountPolicy(String issuer, List<String> audiences, String subjectClaim) {
        return "{\"oidc_policy\":{\"issuer\":\"" + issuer + "\",\"audiences\":[" + audiences.stream()
                .map(a -> "\"" + a + "\"").collect(Collectors.joining(",")) + "]"
                + (subjectClaim == null ? "" : ",\"subject_claim\":\"" + subjectClaim + "\"") + "}}";
    }

    private static JsonNode counters(Workspace ws) throws Exception {
        return EmulatorFixture.get(admin(ws) + "/requests", null).json().get("federation_exchanges");
    }

    private static Map<String, Object> claims(String issuer, String audience, String subject) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        if (audience != null) {
            claims.put("aud", audience);
        }
        if (subject != null) {
            claims.put("sub", subject);
        }
        claims.put("iat", Instant.now());
        claims.put("exp", Instant.now().plusSeconds(300));
        claims.put("jti", UUID.randomUUID().toString());
        return claims;
    }

    static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, Map<String, Object> claims) throws Exception {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        claims.forEach((k, v) -> builder.claim(k, v instanceof Instant t ? Date.from(t) : v));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(kid).build(),
                builder.build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static Reply exchange(Workspace ws, String subjectToken, String scope, String clientId) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", TOKEN_EXCHANGE);
        fields.put("subject_token", subjectToken);
        fields.put("subject_token_type", JWT_TYPE);
        if (scope != null) {
            fields.put("scope", scope);
        }
        if (clientId != null) {
            fields.put("client_id", clientId);
        }
        return form(ws, fields);
    }

    private static Reply form(Workspace ws, Map<String, String> fields) throws Exception {
        String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return EmulatorFixture.send(HttpRequest.newBuilder(URI.create(ws.url() + "/oidc/v1/token"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static void assertRefused(Reply reply, String error, String description) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).as(reply.body()).isEqualTo(error);
        assertThat(reply.json().get("error_description").asText()).contains(description);
    }

    private static void assertBadRequest(Reply reply, String message) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(reply.json().get("message").asText()).contains(message);
    }

    /** An OIDC issuer on loopback: its discovery document and a JWKS the test can rotate. */
    static final class TestIssuer implements AutoCloseable {
        final HttpServer http;
        final String issuer;
        final AtomicInteger configFetches = new AtomicInteger();
        final AtomicInteger jwksFetches = new AtomicInteger();
        volatile RSAKey rsa;
        private volatile JWKSet published;

        TestIssuer() throws Exception {
            rsa = new RSAKeyGenerator(2048).keyID("rsa-" + UUID.randomUUID()).generate();
            published = new JWKSet(rsa.toPublicJWK());
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            issuer = "http://127.0.0.1:" + http.getAddress().getPort() + "/idp";
            http.createContext("/idp/.well-known/openid-configuration", exchange -> {
                configFetches.incrementAndGet();
                respond(exchange, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/keys\"}");
            });
            http.createContext("/idp/keys", exchange -> {
                jwksFetches.incrementAndGet();
                respond(exchange, published.toString(true));
            });
            http.start();
        }

        void publish(JWK... keys) {
            published = new JWKSet(List.of(keys));
        }

        /** A new RSA key under a new kid replaces the old one. */
        void rotate() throws Exception {
            rsa = new RSAKeyGenerator(2048).keyID("rsa-" + UUID.randomUUID()).generate();
            publish(rsa.toPublicJWK());
        }

        String sign(Map<String, Object> claims) throws Exception {
            return FederationEmulatorTest.sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, rsa.getKeyID(), claims);
        }

        private static void respond(com.sun.net.httpserver.HttpExchange exchange, String json) throws IOException {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }
}
