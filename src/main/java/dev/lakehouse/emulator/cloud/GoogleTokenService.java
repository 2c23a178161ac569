package dev.lakehouse.emulator.cloud;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.lakehouse.emulator.auth.TokenStore;
import dev.lakehouse.emulator.http.ApiResponse;
import dev.lakehouse.emulator.http.Json;

/**
 * The emulated Google OAuth token endpoint for service accounts (JWT bearer grant, RFC 7523): an assertion signed
 * by one of the account's keys buys an ID token ({@code target_audience}) or an opaque access token
 * ({@code scope}). Errors are Google's {@code {"error","error_description"}} with its wording.
 */
public final class GoogleTokenService {

    public static final String GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";
    public static final String ISSUER = "https://accounts.google.com";
    static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final Duration MAX_ASSERTION_LIFETIME = Duration.ofHours(1);
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    /** A verified, live ID token. */
    public record GoogleIdToken(String email, String uniqueId, String audience, Instant expiresAt) { }

    /** A live access token. */
    public record GoogleAccessToken(String email, String scope, Instant expiresAt) { }

    private final GoogleDirectory directory;
    private final SigningKey key = new SigningKey(UUID.randomUUID().toString().replace("-", ""));
    private final IssuedTokens idTokens = new IssuedTokens();
    private final IssuedTokens accessTokens = new IssuedTokens();
    /** Token URIs of this emulator's workspaces, accepted as assertion audiences besides Google's own. */
    private final Set<String> emulatorTokenUris = ConcurrentHashMap.newKeySet();

    GoogleTokenService(GoogleDirectory directory) {
        this.directory = directory;
    }

    public GoogleDirectory directory() {
        return directory;
    }

    /** A workspace announces its base URL, so assertions addressed to its {@code /google/token} are accepted. */
    public void addEmulatorBaseUrl(String baseUrl) {
        emulatorTokenUris.add(baseUrl + "/google/token");
    }

    /** Serves one token request that arrived at {@code ownTokenUri} (the URL the client called). */
    public ApiResponse token(Map<String, String> form, String ownTokenUri, Duration lifetime) {
        String grantType = form.get("grant_type");
        if (!JWT_BEARER.equals(grantType)) {
            return error("unsupported_grant_type", "Invalid grant_type: " + (grantType == null ? "" : grantType));
        }
        String assertion = form.get("assertion");
        if (assertion == null || assertion.isEmpty()) {
            return error("invalid_request", "Missing required parameter: assertion");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(assertion);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return error("invalid_grant", "Invalid JWT Signature.");
        }
        GoogleServiceAccount account = directory.find(claims.getIssuer());
        if (account == null) {
            return error("invalid_grant", "Invalid grant: account not found");
        }
        String keyId = jwt.getHeader().getKeyID();
        if (!signedBy(jwt, account, keyId)) {
            return error("invalid_grant", "Invalid JWT Signature.");
        }
        if (!reasonableTimeframe(claims)) {
            return error("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                    + "reasonable timeframe. Check your iat and exp values in the JWT claim.");
        }
        List<String> audience = claims.getAudience();
        if (audience.size() != 1 || !acceptedAudience(audience.get(0), ownTokenUri)) {
            return error("invalid_grant", "Invalid JWT: Failed audience check.");
        }
        Object targetAudience = claims.getClaim("target_audience");
        Object scope = claims.getClaim("scope");
        if (targetAudience != null && scope != null) {
            return error("invalid_request", "Exactly one of target_audience and scope may be set in the assertion.");
        }
        if (targetAudience instanceof String target && !target.isBlank()) {
            return ApiResponse.json(Json.obj().put("id_token", idToken(account, keyId, target, lifetime)));
        }
        if (scope instanceof String scopes && !scopes.isBlank()) {
            return ApiResponse.json(accessToken(account, keyId, scopes, lifetime));
        }
        return error("invalid_scope", "Invalid OAuth scope or ID token audience provided.");
    }

    private static boolean signedBy(SignedJWT jwt, GoogleServiceAccount account, String keyId) {
        var publicKey = account.key(keyId);
        if (publicKey == null || !JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
            return false;
        }
        try {
            return jwt.verify(new RSASSAVerifier(publicKey));
        } catch (JOSEException | IllegalStateException e) {
            return false;
        }
    }

    private static boolean reasonableTimeframe(JWTClaimsSet claims) {
        Date iat = claims.getIssueTime();
        Date exp = claims.getExpirationTime();
        if (iat == null || exp == null) {
            return false;
        }
        Instant now = Instant.now();
        Instant issued = iat.toInstant();
        Instant expires = exp.toInstant();
        return expires.isAfter(issued) && Duration.between(issued, expires).compareTo(MAX_ASSERTION_LIFETIME) <= 0
                && expires.isAfter(now) && !issued.isAfter(now.plus(CLOCK_SKEW));
    }

    private boolean acceptedAudience(String audience, String ownTokenUri) {
        return GOOGLE_TOKEN_URI.equals(audience) || audience.equals(ownTokenUri) || emulatorTokenUris.contains(audience);
    }

    private String idToken(GoogleServiceAccount account, String keyId, String audience, Duration lifetime) {
        Instant now = Instant.now();
        Instant expires = now.plusSeconds(seconds(lifetime));
        String token = key.sign(new JWTClaimsSet.Builder()
                .audience(audience)
                .claim("azp", account.uniqueId())
                .claim("email", account.email())
                .claim("email_verified", true)
                .expirationTime(Date.from(expires))
                .issueTime(Date.from(now))
                .issuer(ISSUER)
                .subject(account.uniqueId())
                // not in Google's ID tokens: RS256 is deterministic, so two tokens of one second would be the same
                // string, and the key that bought each (revocation by key deletion) could not be told apart
                .jwtID(UUID.randomUUID().toString())
                .build());
        idTokens.add(sha256(token), new IssuedTokens.Issued(account.email(), keyId, null, expires));
        return token;
    }

    private ObjectNode accessToken(GoogleServiceAccount account, String keyId, String scope, Duration lifetime) {
        long seconds = seconds(lifetime);
        String token = TokenStore.randomToken("ya29.");
        accessTokens.add(token, new IssuedTokens.Issued(account.email(), keyId, scope,
                Instant.now().plusSeconds(seconds)));
        ObjectNode body = Json.obj();
        body.put("access_token", token);
        body.put("expires_in", seconds);
        body.put("token_type", "Bearer");
        return body;
    }

    /**
     * The ID token when this service signed it, it is unexpired, {@code iss} is Google, and neither it was revoked
     * nor its account or the key whose assertion bought it deleted; null otherwise.
     */
    public GoogleIdToken verifyIdToken(String token) {
        JWTClaimsSet claims = key.verify(token);
        if (claims == null || !ISSUER.equals(claims.getIssuer()) || claims.getExpirationTime() == null
                || claims.getAudience().size() != 1) {
            return null;
        }
        Instant now = Instant.now();
        IssuedTokens.Issued record = idTokens.find(sha256(token));
        if (record == null || !record.live(now) || !keyStillExists(record)) {
            return null;
        }
        Object email = claims.getClaim("email");
        return new GoogleIdToken(email instanceof String e ? e : record.subject, claims.getSubject(),
                claims.getAudience().get(0), claims.getExpirationTime().toInstant());
    }

    /** The access token when it is live (unexpired, not revoked, account and key still there); null otherwise. */
    public GoogleAccessToken accessToken(String token) {
        IssuedTokens.Issued record = accessTokens.find(token);
        if (record == null || !record.live(Instant.now()) || !keyStillExists(record)) {
            return null;
        }
        return new GoogleAccessToken(record.subject, record.scope, record.expiresAt);
    }

    private boolean keyStillExists(IssuedTokens.Issued record) {
        GoogleServiceAccount account = directory.find(record.subject);
        return account != null && account.hasKey(record.keyId);
    }

    /** Every ID and access token of the account issued so far is refused from now on. */
    public int revoke(String email) {
        return idTokens.revokeSubject(email) + accessTokens.revokeSubject(email);
    }

    public Map<String, Object> jwks() {
        return key.jwks();
    }

    private static long seconds(Duration lifetime) {
        return Math.max(1, (lifetime.toMillis() + 999) / 1000);
    }

    private static ApiResponse error(String error, String description) {
        return ApiResponse.json(400, Json.obj().put("error", error).put("error_description", description));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
