package dev.lakehouse.gateway.vault;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;


import static dev.lakehouse.gateway.vault.OAuthHttp.enc;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.lakehouse.gateway.databricks.DatabricksProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Google service accounts for GCP workspaces, as the Databricks SDKs' {@code google-credentials} provider does it: a
 * JWT assertion signed with the account's key (RFC 7523) buys an ID token whose audience is the workspace host (the
 * bearer) and an access token (the {@code X-Databricks-GCP-SA-Access-Token} header, which lets Databricks act on the
 * workspace's GCP project). The token endpoint is the configured one, never the key file's {@code token_uri}: a
 * key is customer input and must not decide where the gateway sends a signed assertion.
 */
@Component
public class GoogleOAuth {

    public static final String ACCESS_TOKEN_HEADER = "X-Databricks-GCP-SA-Access-Token";
    /** The scope the SDKs ask the access token for. */
    public static final String CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    /** Google's ceiling for an assertion's lifetime. */
    private static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a service-account key JSON holds that the gateway uses; the rest is ignored. */
    public record ServiceAccountKey(String email, String keyId, RSAPrivateKey privateKey) {
        @Override
        public String toString() {
            return "ServiceAccountKey[" + email + " " + keyId + "]";
        }
    }

    private final HttpClient http;
    private final DatabricksProperties properties;
    private final String tokenUrl;
    private final VaultHosts hosts;

    /**
     * @param tokenUrl Google's OAuth token endpoint ({@code https://oauth2.googleapis.com/token};
     *                 {@code emulator:NAME/google/token}, the emulator's Google-like service, in tests)
     */
    public GoogleOAuth(DatabricksProperties properties, VaultHosts hosts,
            @Value("${gateway.vault.google-token-url:https://oauth2.googleapis.com/token}") String tokenUrl) {
        this.properties = properties;
        this.hosts = hosts;
        this.tokenUrl = tokenUrl;
        this.http = HttpClient.newBuilder().connectTimeout(properties.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Reads a service-account key JSON; a clear 400 for anything else (a user key, a truncated paste, a P12). */
    public static ServiceAccountKey parseKey(String keyJson) {
        JsonNode key;
        try {
            key = JSON.readTree(keyJson == null ? "" : keyJson);
        } catch (IOException e) {
            key = null;
        }
        if (key == null || !key.isObject()) {
            throw new VaultRequestException(400, "google_credentials must be a service-account key JSON "
                    + "(the file Google Cloud downloads for a key of the service account)");
        }
        if (!"service_account".equals(key.path("type").asText())) {
            throw new VaultRequestException(400, "google_credentials must be a key of type service_account, not '"
                    + key.path("type").asText("") + "'");
        }
        String email = key.path("client_email").asText("");
        String keyId = key.path("private_key_id").asText("");
        String pem = key.path("private_key").asText("");
        if (!email.contains("@") || email.length() > 255 || keyId.isBlank() || pem.isBlank()) {
            throw new VaultRequestException(400, "google_credentials lacks client_email, private_key_id or private_key");
        }
        return new ServiceAccountKey(email, keyId, privateKey(pem));
    }

    private static RSAPrivateKey privateKey(String pem) {
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        try {
            return (RSAPrivateKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IllegalArgumentException | java.security.GeneralSecurityException | ClassCastException e) {
            throw new VaultRequestException(400, "google_credentials' private_key is not a PKCS#8 RSA key in PEM form");
        }
    }

    /**
     * The tokens a call on a GCP workspace sends, sealed together as one {@link BearerBundle}: the ID token for the
     * workspace host as bearer, the access token as its header. The bundle lives as long as its shorter token.
     */
    public WorkspaceOAuth.Tokens serviceAccountTokens(String keyJson, String workspaceHost) {
        ServiceAccountKey key = parseKeyForRefresh(keyJson);
        String url = hosts.serviceUrl(tokenUrl);
        JsonNode id = request(url, assertion(key, url, Map.of("target_audience", workspaceHost)), key);
        JsonNode access = request(url, assertion(key, url, Map.of("scope", CLOUD_PLATFORM_SCOPE)), key);
        String idToken = id.path("id_token").asText("");
        String accessToken = access.path("access_token").asText("");
        if (idToken.isEmpty() || accessToken.isEmpty()) {
            throw new WorkspaceOAuth.Failure(WorkspaceOAuth.Failure.Kind.PASSING, "no_token", 200, null,
                    "Google's token endpoint answered without a token");
        }
        long idSeconds = secondsLeft(idToken);
        long accessSeconds = access.path("expires_in").asLong(3599);
        return new WorkspaceOAuth.Tokens(new BearerBundle(idToken, Map.of(ACCESS_TOKEN_HEADER, accessToken)).encode(),
                null, Math.min(idSeconds, accessSeconds), null);
    }

    /** A stored key that no longer parses is the connection's problem (a status), not the caller's 400. */
    private static ServiceAccountKey parseKeyForRefresh(String keyJson) {
        try {
            return parseKey(keyJson);
        } catch (VaultRequestException e) {
            throw new WorkspaceOAuth.Failure(WorkspaceOAuth.Failure.Kind.INVALID_CLIENT, "invalid_key", 0, null,
                    e.getMessage());
        }
    }

    private static String assertion(ServiceAccountKey key, String audience, Map<String, String> claims) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder set = new JWTClaimsSet.Builder().issuer(key.email()).subject(key.email()).audience(audience)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)));
        claims.forEach(set::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(key.keyId()).build(), set.build());
        try {
            jwt.sign(new RSASSASigner(key.privateKey()));
        } catch (JOSEException e) {
            throw new WorkspaceOAuth.Failure(WorkspaceOAuth.Failure.Kind.INVALID_CLIENT, "invalid_key", 0, null,
                    "The service-account key cannot sign (" + e.getMessage() + ")");
        }
        return jwt.serialize();
    }

    private JsonNode request(String url, String assertion, ServiceAccountKey key) {
        String form = "grant_type=" + enc("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + enc(assertion);
        HttpResponse<String> response = OAuthHttp.send(http, OAuthHttp.formPost(url, form, properties.responseTimeout()),
                "Google's token endpoint");
        JsonNode body = OAuthHttp.json(response.body());
        if (response.statusCode() == 200) {
            return body;
        }
        throw failure(response.statusCode(), body, key);
    }

    /** What a Google refusal means for the connection: the class and the fix. */
    static WorkspaceOAuth.Failure failure(int status, JsonNode body, ServiceAccountKey key) {
        String error = body.path("error").asText("HTTP " + status);
        String description = body.path("error_description").asText("");
        if (status == 429 || status >= 500) {
            return new WorkspaceOAuth.Failure(WorkspaceOAuth.Failure.Kind.PASSING, error, status, null,
                    "Google's token endpoint is unavailable (HTTP " + status + ")");
        }
        String why;
        if (description.contains("account not found")) {
            why = "Google knows no service account " + key.email() + ": it was deleted, or the key is of another project";
        } else if (description.contains("Signature")) {
            why = "Google refused the key " + key.keyId() + " of " + key.email()
                    + ": it was deleted or disabled; upload a current key";
        } else if (description.contains("timeframe")) {
            why = "Google refused the assertion's time: check the gateway machine's clock";
        } else {
            why = "Google refused the service account " + key.email() + " (" + error
                    + (description.isEmpty() ? "" : ": " + description) + ")";
        }
        return new WorkspaceOAuth.Failure(WorkspaceOAuth.Failure.Kind.INVALID_CLIENT, error, status, null, why);
    }

    private static long secondsLeft(String idToken) {
        try {
            Date exp = SignedJWT.parse(idToken).getJWTClaimsSet().getExpirationTime();
            return exp == null ? 3599 : Math.max(1, Duration.between(Instant.now(), exp.toInstant()).toSeconds());
        } catch (ParseException e) {
            throw new WorkspaceOAuth.Failure(WorkspaceOAuth.Failure.Kind.PASSING, "bad_id_token", 200, null,
                    "Google's ID token is not a JWT");
        }
    }
}
