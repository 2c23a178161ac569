package dev.lakehouse.emulator.auth;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.lakehouse.emulator.http.ApiResponse;

/**
 * OAuth token federation (RFC 8693 token exchange at {@code /oidc/v1/token}): a JWT of a federated identity
 * provider, matched against the workspace's federation policies, buys a workspace OAuth access token of the user
 * or service principal it maps to. Without {@code client_id} the account-wide policies apply and the subject claim
 * names a workspace user (case-insensitive user name) or service principal (application id); with it only that
 * service principal's policies, whose {@code subject} the claim must equal. The subject token is never logged nor
 * echoed in an error.
 */
final class TokenExchange {

    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";
    /** Leeway for {@code exp} and {@code nbf} against clock drift between the IdP and the workspace. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    /** A refusal: the OAuth error code and its precise description. */
    private record Refusal(String error, String description) { }

    private static final class Refused extends Exception {
        private final Refusal refusal;

        Refused(String error, String description) {
            super(description, null, false, false);
            this.refusal = new Refusal(error, description);
        }
    }

    private final OAuthSettings oauth;
    private final IdentityDirectory identities;
    private final TokenStore tokens;
    private final FederationPolicies policies;
    private final IssuerKeys issuerKeys;
    private final Set<String> scopes;
    private final Consumer<Boolean> outcomes;

    TokenExchange(OAuthSettings oauth, IdentityDirectory identities, TokenStore tokens, FederationPolicies policies,
                  IssuerKeys issuerKeys, Set<String> scopes, Consumer<Boolean> outcomes) {
        this.oauth = oauth;
        this.identities = identities;
        this.tokens = tokens;
        this.policies = policies;
        this.issuerKeys = issuerKeys;
        this.scopes = scopes;
        this.outcomes = outcomes;
    }

    /** The token response, or the OAuth error of the first check that failed; counts the outcome either way. */
    ApiResponse exchange(Map<String, String> form) {
        try {
            TokenStore.TokenRecord access = issue(form);
            outcomes.accept(true);
            return ApiResponse.json(OAuthEndpoints.tokenBody(access));
        } catch (Refused e) {
            outcomes.accept(false);
            return OAuthEndpoints.oauthError(400, e.refusal.error(), e.refusal.description());
        } catch (RuntimeException e) {
            // answered here, not by the HTTP layer, so no trace (which might quote the token) is ever logged
            outcomes.accept(false);
            return OAuthEndpoints.oauthError(500, "server_error", "Token exchange failed: "
                    + e.getClass().getSimpleName());
        }
    }

    private TokenStore.TokenRecord issue(Map<String, String> form) throws Refused {
        String subjectToken = form.get("subject_token");
        if (subjectToken == null || subjectToken.isBlank()) {
            throw new Refused("invalid_request", "Missing subject_token");
        }
        String tokenType = form.get("subject_token_type");
        if (tokenType == null || tokenType.isBlank()) {
            throw new Refused("invalid_request", "Missing subject_token_type (must be " + JWT_TOKEN_TYPE + ")");
        }
        if (!JWT_TOKEN_TYPE.equals(tokenType)) {
            throw new Refused("invalid_request", "Unsupported subject_token_type '" + tokenType
                    + "': only " + JWT_TOKEN_TYPE + " is supported");
        }
        String scope = scope(form.get("scope"));
        String clientId = form.get("client_id");
        if (clientId != null && clientId.isBlank()) {
            clientId = null;
        }

        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(subjectToken.trim());
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new Refused("invalid_request", "subject_token is not a signed JWT (compact JWS)");
        }
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (!ALGORITHMS.contains(alg)) {
            throw new Refused("invalid_grant", "Unsupported JWT signing algorithm " + alg
                    + ": federated tokens must be signed with RS256 or ES256");
        }
        String issuer = claims.getIssuer();
        if (issuer == null || issuer.isBlank()) {
            throw new Refused("invalid_grant", "The subject token has no iss claim");
        }

        Principal servicePrincipal = null;
        List<FederationPolicies.Policy> candidates;
        if (clientId != null) {
            servicePrincipal = identities.findServicePrincipal(clientId);
            if (servicePrincipal == null) {
                throw new Refused("invalid_grant", "Service principal '" + clientId + "' not found in this workspace");
            }
            candidates = policies.servicePrincipalPolicies(clientId);
            if (candidates.isEmpty()) {
                throw new Refused("invalid_grant", "Service principal " + clientId + " has no federation policy");
            }
        } else {
            candidates = policies.accountPolicies();
            if (candidates.isEmpty()) {
                throw new Refused("invalid_grant", "The account has no federation policy (send client_id to use a "
                        + "service principal federation policy)");
            }
        }
        List<FederationPolicies.Policy> ofIssuer = candidates.stream().filter(p -> p.oidc().issuer().equals(issuer)).toList();
        if (ofIssuer.isEmpty()) {
            throw new Refused("invalid_grant", "No federation policy " + (clientId == null ? "of the account"
                    : "of service principal " + clientId) + " matches issuer '" + issuer + "'");
        }

        verifySignature(jwt, issuer);
        checkLifetime(claims);

        // the policy that got furthest explains a refusal best
        Refused best = null;
        int bestStage = -1;
        for (FederationPolicies.Policy policy : ofIssuer) {
            try {
                Principal principal = match(policy, claims, servicePrincipal);
                return tokens.issueAccessToken(principal, clientId, scope,
                        oauth.current().accessTokenLifetime());
            } catch (StagedRefusal e) {
                if (e.stage > bestStage) {
                    bestStage = e.stage;
                    best = e.refused;
                }
            }
        }
        throw best;
    }

    private static final class StagedRefusal extends Exception {
        private final int stage;
        private final Refused refused;

        StagedRefusal(int stage, String description) {
            super(description, null, false, false);
            this.stage = stage;
            this.refused = new Refused("invalid_grant", description);
        }
    }

    /** The principal this policy maps the token to, or why it does not. */
    private Principal match(FederationPolicies.Policy policy, JWTClaimsSet claims, Principal servicePrincipal)
            throws StagedRefusal {
        FederationPolicies.OidcPolicy oidc = policy.oidc();
        List<String> audiences = claims.getAudience();
        if (audiences == null || audiences.isEmpty()) {
            throw new StagedRefusal(0, "The subject token has no aud claim (federation policy " + policy.name()
                    + " allows audiences " + oidc.audiences() + ")");
        }
        if (audiences.stream().noneMatch(oidc.audiences()::contains)) {
            throw new StagedRefusal(0, "Audience " + audiences + " is not allowed by federation policy "
                    + policy.name() + " (allowed: " + oidc.audiences() + ")");
        }
        Object value = claims.getClaim(oidc.subjectClaim());
        if (!(value instanceof String subject) || subject.isBlank()) {
            throw new StagedRefusal(1, "The subject token has no " + oidc.subjectClaim() + " claim (the subject_claim "
                    + "of federation policy " + policy.name() + ")" + (value == null ? "" : " that is a non-empty string"));
        }
        if (servicePrincipal != null) {
            if (!subject.equals(oidc.subject())) {
                throw new StagedRefusal(2, "Subject '" + subject + "' (claim " + oidc.subjectClaim()
                        + ") does not match the subject of federation policy " + policy.name()
                        + " of service principal " + policy.servicePrincipalId());
            }
            return servicePrincipal;
        }
        Principal user = identities.findUser(subject);
        if (user == null) {
            user = identities.findServicePrincipal(subject);
        }
        if (user == null) {
            throw new StagedRefusal(3, "User '" + subject + "' (claim " + oidc.subjectClaim()
                    + ") not found in this workspace: no user has that user name and no service principal that "
                    + "application id");
        }
        return user;
    }

    private void verifySignature(SignedJWT jwt, String issuer) throws Refused {
        String kid = jwt.getHeader().getKeyID();
        List<JWK> keys;
        try {
            keys = issuerKeys.keys(issuer, kid);
        } catch (IssuerKeys.FetchException e) {
            throw new Refused("invalid_grant", "Cannot fetch the signing keys of issuer '" + issuer + "': "
                    + e.getMessage());
        }
        if (keys.isEmpty()) {
            throw new Refused("invalid_grant", kid == null ? "The JWKS of issuer '" + issuer + "' has no keys"
                    : "No key with kid '" + kid + "' in the JWKS of issuer '" + issuer + "'");
        }
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        for (JWK key : keys) {
            JWSVerifier verifier = verifier(key, alg);
            try {
                if (verifier != null && jwt.verify(verifier)) {
                    return;
                }
            } catch (JOSEException | IllegalStateException e) {
                // a key that cannot check this JWS: try the next
            }
        }
        throw new Refused("invalid_grant", "Invalid JWT signature: the subject token is not signed by "
                + (kid == null ? "any key" : "the key '" + kid + "'") + " of issuer '" + issuer + "' (" + alg + ")");
    }

    private static JWSVerifier verifier(JWK key, JWSAlgorithm alg) {
        try {
            if (JWSAlgorithm.RS256.equals(alg) && key instanceof RSAKey rsa) {
                return new RSASSAVerifier(rsa.toRSAPublicKey());
            }
            if (JWSAlgorithm.ES256.equals(alg) && key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
                return new ECDSAVerifier(ec.toECPublicKey());
            }
        } catch (JOSEException e) {
            return null;
        }
        return null;
    }

    private static void checkLifetime(JWTClaimsSet claims) throws Refused {
        Instant now = Instant.now();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new Refused("invalid_grant", "The subject token has no exp claim");
        }
        if (now.minus(CLOCK_SKEW).isAfter(exp.toInstant())) {
            throw new Refused("invalid_grant", "The subject token expired at " + exp.toInstant());
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(CLOCK_SKEW).isBefore(nbf.toInstant())) {
            throw new Refused("invalid_grant", "The subject token is not valid before " + nbf.toInstant());
        }
    }

    /** The requested scope (default {@code all-apis}) when every part of it is a scope of the workspace. */
    private String scope(String requested) throws Refused {
        if (requested == null || requested.isBlank()) {
            return "all-apis";
        }
        String normalized = String.join(" ", requested.trim().split("\\s+"));
        for (String part : normalized.split(" ")) {
            if (!scopes.contains(part)) {
                throw new Refused("invalid_scope", "Unknown scope '" + part + "'; this workspace supports "
                        + String.join(", ", scopes.stream().sorted().toList()));
            }
        }
        return normalized;
    }
}
