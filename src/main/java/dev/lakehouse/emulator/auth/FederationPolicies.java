package dev.lakehouse.emulator.auth;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lakehouse.emulator.http.ApiException;

/**
 * The OAuth token federation policies of one workspace's account: account-wide ones (the subject claim names a
 * workspace user or service principal) and service principal ones (a workload identity, the {@code subject},
 * signs in as that service principal). The admin API adds and deletes them; the token endpoint reads them for
 * every token exchange, so a deleted policy stops matching at once.
 */
public final class FederationPolicies {

    /** Databricks allows at most this many policies per service principal (and we apply it to the account too). */
    public static final int MAX_POLICIES_PER_OWNER = 20;

    /** What a federated JWT must look like: issuer, audiences, which claim names the principal, and (SP) its value. */
    public record OidcPolicy(String issuer, List<String> audiences, String subjectClaim, String subject) {
        public OidcPolicy {
            audiences = List.copyOf(audiences);
        }
    }

    /** One policy; {@code servicePrincipalId} (a client id) is null for an account-wide policy. */
    public record Policy(String uid, String name, OidcPolicy oidc, String servicePrincipalId, Instant createTime) {
        public boolean accountWide() {
            return servicePrincipalId == null;
        }
    }

    private final Map<String, Policy> policies = new LinkedHashMap<>();

    /** Adds a policy (fields validated by the caller); a taken name is a 409, a full owner a 400. */
    public synchronized Policy add(String name, OidcPolicy oidc, String servicePrincipalId) {
        String uid = UUID.randomUUID().toString();
        String policyName = name != null ? name : "federation-policy-" + uid.substring(0, 8);
        if (policies.values().stream().anyMatch(p -> p.name().equals(policyName))) {
            throw new ApiException(409, "RESOURCE_ALREADY_EXISTS",
                    "A federation policy named '" + policyName + "' already exists");
        }
        long sameOwner = policies.values().stream()
                .filter(p -> servicePrincipalId == null ? p.accountWide() : servicePrincipalId.equals(p.servicePrincipalId()))
                .count();
        if (sameOwner >= MAX_POLICIES_PER_OWNER) {
            throw ApiException.invalidParameter((servicePrincipalId == null ? "The account"
                    : "Service principal " + servicePrincipalId) + " already has " + MAX_POLICIES_PER_OWNER
                    + " federation policies, the maximum");
        }
        Policy policy = new Policy(uid, policyName, oidc, servicePrincipalId, Instant.now());
        policies.put(uid, policy);
        return policy;
    }

    public synchronized List<Policy> list() {
        return List.copyOf(policies.values());
    }

    public synchronized Policy get(String uid) {
        return uid == null ? null : policies.get(uid);
    }

    public synchronized Policy remove(String uid) {
        return uid == null ? null : policies.remove(uid);
    }

    /** The account-wide policies, oldest first. */
    public synchronized List<Policy> accountPolicies() {
        return policies.values().stream().filter(Policy::accountWide).toList();
    }

    /** The policies of one service principal (by client id), oldest first. */
    public synchronized List<Policy> servicePrincipalPolicies(String clientId) {
        return policies.values().stream().filter(p -> clientId.equals(p.servicePrincipalId())).toList();
    }
}
