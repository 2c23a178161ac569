package dev.lakehouse.emulator.auth;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.lakehouse.emulator.http.ApiException;

/**
 * All credentials of one workspace: PATs, OAuth access and refresh tokens, authorization codes.
 * Tokens are opaque random strings; revocation and expiry are flags the admin API can flip.
 */
public final class TokenStore {

    public enum Kind { PAT, ACCESS, REFRESH }

    /** A live credential; mutable flags are volatile because any request thread may flip them. */
    public static final class TokenRecord {
        private final String token;
        private final Kind kind;
        private final Principal principal;
        private final String clientId;
        private final String scope;
        private volatile Instant expiresAt;
        private volatile boolean revoked;
        private volatile boolean used;

        TokenRecord(String token, Kind kind, Principal principal, String clientId, String scope, Instant expiresAt) {
            this.token = token;
            this.kind = kind;
            this.principal = principal;
            this.clientId = clientId;
            this.scope = scope;
            this.expiresAt = expiresAt;
        }

        public String token() { return token; }
        public Kind kind() { return kind; }
        public Principal principal() { return principal; }
        public String clientId() { return clientId; }
        public String scope() { return scope; }
        public Instant expiresAt() { return expiresAt; }
        public boolean revoked() { return revoked; }
        public boolean used() { return used; }

        public boolean expired(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }
    }

    /** A pending authorization code bound to client, redirect URI and PKCE challenge. */
    public record AuthCode(String code, String clientId, String redirectUri, String codeChallenge,
                           String scope, Principal principal, Instant expiresAt) { }

    /** Real Databricks answers any unusable token like this: 403 with a numeric error_code. */
    public static final ApiException INVALID_TOKEN = new ApiException(403, 403, "Invalid access token.",
            Map.of("X-Databricks-Reason-Phrase", "Invalid access token."));

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, TokenRecord> tokens = new ConcurrentHashMap<>();
    private final Map<String, AuthCode> codes = new ConcurrentHashMap<>();

    public static String randomToken(String prefix) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public TokenRecord addPat(String token, Principal owner, Instant expiresAt) {
        TokenRecord record = new TokenRecord(token, Kind.PAT, owner, null, "all-apis", expiresAt);
        tokens.put(token, record);
        return record;
    }

    public TokenRecord issueAccessToken(Principal principal, String clientId, String scope, Duration lifetime) {
        TokenRecord record = new TokenRecord(randomToken("emu-at-"), Kind.ACCESS, principal, clientId, scope,
                Instant.now().plus(lifetime));
        tokens.put(record.token, record);
        return record;
    }

    public TokenRecord issueRefreshToken(Principal principal, String clientId, String scope, Duration lifetime) {
        TokenRecord record = new TokenRecord(randomToken("emu-rt-"), Kind.REFRESH, principal, clientId, scope,
                Instant.now().plus(lifetime));
        tokens.put(record.token, record);
        return record;
    }

    /** The principal behind a bearer token usable for API calls, or the real 403 error. */
    public Principal authenticate(String bearer) {
        TokenRecord record = bearer == null ? null : tokens.get(bearer);
        if (record == null || record.kind == Kind.REFRESH || record.revoked || record.expired(Instant.now())) {
            throw INVALID_TOKEN;
        }
        return record.principal;
    }

    public TokenRecord find(String token) {
        return token == null ? null : tokens.get(token);
    }

    /** Marks a refresh token as consumed; false if someone else consumed it first. */
    public boolean consume(TokenRecord refresh) {
        synchronized (refresh) {
            if (refresh.used) {
                return false;
            }
            refresh.used = true;
            return true;
        }
    }

    public boolean revoke(String token) {
        TokenRecord record = tokens.get(token);
        if (record == null) {
            return false;
        }
        record.revoked = true;
        return true;
    }

    public boolean expire(String token) {
        TokenRecord record = tokens.get(token);
        if (record == null) {
            return false;
        }
        record.expiresAt = Instant.now().minusSeconds(1);
        return true;
    }

    /** Revokes every OAuth token issued to a client; returns how many were revoked. */
    public int revokeClient(String clientId) {
        return revokeWhere(record -> clientId.equals(record.clientId));
    }

    /** Revokes the matching tokens not revoked yet; returns how many. */
    public int revokeWhere(Predicate<TokenRecord> filter) {
        int count = 0;
        for (TokenRecord record : tokens.values()) {
            if (!record.revoked && filter.test(record)) {
                record.revoked = true;
                count++;
            }
        }
        return count;
    }

    /** Forgets pending authorization codes, so a broken grant cannot be completed by a code already in flight. */
    public void discardCodesWhere(Predicate<AuthCode> filter) {
        codes.values().removeIf(filter);
    }

    /** True when any token or pending code was issued to this client id. */
    public boolean knowsClient(String clientId) {
        return tokens.values().stream().anyMatch(r -> clientId.equals(r.clientId))
                || codes.values().stream().anyMatch(c -> clientId.equals(c.clientId()));
    }

    public AuthCode issueCode(String clientId, String redirectUri, String challenge, String scope,
                              Principal principal, Duration lifetime) {
        AuthCode code = new AuthCode(randomToken("emu-code-"), clientId, redirectUri, challenge, scope, principal,
                Instant.now().plus(lifetime));
        codes.put(code.code(), code);
        return code;
    }

    /** Removes and returns the code (codes are single-use), or null when unknown or already used. */
    public AuthCode redeemCode(String code) {
        return code == null ? null : codes.remove(code);
    }
}
