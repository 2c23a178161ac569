package dev.lakehouse.emulator.admin;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.WorkspaceSettings;
import dev.lakehouse.emulator.auth.FederationPolicies;
import dev.lakehouse.emulator.auth.IdentityDirectory;
import dev.lakehouse.emulator.auth.IssuerKeys;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.ApiResponse;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.Router;

/**
 * The OAuth token federation part of the admin API: this workspace's account-wide and service principal
 * federation policies (what Databricks keeps per account; here per emulated workspace). Bodies are checked as a
 * whole before anything changes; the issuer's keys are fetched from its discovery document at exchange time.
 */
public final class FederationAdminEndpoints {

    static final String PATH = AdminEndpoints.PREFIX + "/federation-policies";
    private static final Set<String> POLICY_FIELDS = Set.of("name", "oidc_policy", "service_principal_id");
    private static final Set<String> OIDC_FIELDS = Set.of("issuer", "audiences", "subject_claim", "subject");
    private static final int MAX_NAME_LENGTH = 200;

    private final WorkspaceSettings settings;
    private final FederationPolicies policies;
    private final IdentityDirectory identities;

    public FederationAdminEndpoints(WorkspaceSettings settings, FederationPolicies policies, IdentityDirectory identities) {
        this.settings = settings;
        this.policies = policies;
        this.identities = identities;
    }

    public void register(Router router) {
        router.addPublic("GET", PATH, r -> list());
        router.addPublic("POST", PATH, this::create);
        router.addPublic("GET", PATH + "/{uid}", r -> policyJson(require(r.pathParam("uid"))));
        router.addPublic("DELETE", PATH + "/{uid}", this::delete);
    }

    private ObjectNode list() {
        ObjectNode body = Json.obj();
        ArrayNode list = body.putArray("policies");
        policies.list().forEach(p -> list.add(policyJson(p)));
        return body;
    }

    private Object create(ApiRequest request) {
        JsonNode body = request.json();
        AdminBodies.onlyFields(body, POLICY_FIELDS);
        String name = AdminBodies.stringField(body, "name");
        if (name != null && name.length() > MAX_NAME_LENGTH) {
            throw ApiException.invalidParameter("name must be at most " + MAX_NAME_LENGTH + " characters");
        }
        String servicePrincipalId = AdminBodies.stringField(body, "service_principal_id");
        JsonNode oidcNode = body.get("oidc_policy");
        if (oidcNode == null || oidcNode.isNull()) {
            throw ApiException.invalidParameter("Missing required field: oidc_policy");
        }
        if (!oidcNode.isObject()) {
            throw ApiException.invalidParameter("oidc_policy must be a JSON object, got " + oidcNode);
        }
        FederationPolicies.OidcPolicy oidc = oidcPolicy(oidcNode, servicePrincipalId != null);
        if (servicePrincipalId != null && identities.findServicePrincipal(servicePrincipalId) == null) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Service principal '" + servicePrincipalId
                    + "' does not exist in this workspace (service_principal_id is its client id)");
        }
        return ApiResponse.json(201, policyJson(policies.add(name, oidc, servicePrincipalId)));
    }

    private FederationPolicies.OidcPolicy oidcPolicy(JsonNode node, boolean forServicePrincipal) {
        AdminBodies.onlyFields(node, OIDC_FIELDS);
        String issuer = issuer(AdminBodies.stringField(node, "issuer"));
        List<String> audiences = audiences(node.get("audiences"));
        String subjectClaim = AdminBodies.stringField(node, "subject_claim");
        String subject = AdminBodies.stringField(node, "subject");
        if (forServicePrincipal && subject == null) {
            throw ApiException.invalidParameter("Missing required field: oidc_policy.subject (a service principal "
                    + "federation policy names the workload identity allowed to sign in as it)");
        }
        if (!forServicePrincipal && subject != null) {
            throw ApiException.invalidParameter("oidc_policy.subject is for service principal federation policies "
                    + "only (an account policy maps the subject claim to a workspace user)");
        }
        return new FederationPolicies.OidcPolicy(issuer, audiences.isEmpty() ? List.of(settings.accountId()) : audiences,
                subjectClaim == null ? "sub" : subjectClaim, subject);
    }

    /** https with a host, or (emulator only, for test identity providers) http to 127.0.0.1, localhost or [::1]. */
    private static String issuer(String issuer) {
        if (issuer == null) {
            throw ApiException.invalidParameter("Missing required field: oidc_policy.issuer");
        }
        URI uri;
        try {
            uri = new URI(issuer);
        } catch (URISyntaxException e) {
            throw ApiException.invalidParameter("oidc_policy.issuer is not a valid URL: " + e.getReason());
        }
        if (uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null
                || !("https".equalsIgnoreCase(uri.getScheme()) || IssuerKeys.isLoopbackHttp(uri))) {
            throw ApiException.invalidParameter("oidc_policy.issuer must be an https URL without query or fragment "
                    + "(or, in the emulator, http://127.0.0.1 or http://localhost), got '" + issuer + "'");
        }
        return issuer;
    }

    private static List<String> audiences(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ApiException.invalidParameter("oidc_policy.audiences must be an array of strings, got " + node);
        }
        Set<String> audiences = new LinkedHashSet<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || item.textValue().isBlank()) {
                throw ApiException.invalidParameter("oidc_policy.audiences must hold non-empty strings, got " + item);
            }
            audiences.add(item.textValue());
        }
        return new ArrayList<>(audiences);
    }

    private Object delete(ApiRequest request) {
        FederationPolicies.Policy removed = policies.remove(require(request.pathParam("uid")).uid());
        if (removed == null) {
            throw notFound(request.pathParam("uid"));
        }
        return Json.obj().put("uid", removed.uid()).put("name", removed.name()).put("deleted", true);
    }

    private FederationPolicies.Policy require(String uid) {
        FederationPolicies.Policy policy = policies.get(uid);
        if (policy == null) {
            throw notFound(uid);
        }
        return policy;
    }

    private static ApiException notFound(String uid) {
        return ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Federation policy '" + uid + "' does not exist");
    }

    static ObjectNode policyJson(FederationPolicies.Policy policy) {
        ObjectNode node = Json.obj();
        node.put("uid", policy.uid());
        node.put("name", policy.name());
        ObjectNode oidc = node.putObject("oidc_policy");
        oidc.put("issuer", policy.oidc().issuer());
        ArrayNode audiences = oidc.putArray("audiences");
        policy.oidc().audiences().forEach(audiences::add);
        oidc.put("subject_claim", policy.oidc().subjectClaim());
        Json.putOpt(oidc, "subject", policy.oidc().subject());
        Json.putOpt(node, "service_principal_id", policy.servicePrincipalId());
        node.put("create_time", policy.createTime().toString());
        return node;
    }
}
