package dev.lakehouse.gateway.connect;

import static dev.lakehouse.gateway.connect.ConnectHtml.esc;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.servlet.http.HttpServletRequest;

import dev.lakehouse.gateway.identity.CallerIdentity;
import dev.lakehouse.gateway.identity.IdentityProperties;
import dev.lakehouse.gateway.tenant.TenantConnections;
import dev.lakehouse.gateway.tenant.TenantProperties;
import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import dev.lakehouse.gateway.vault.ConnectionStatus;
import dev.lakehouse.gateway.vault.ConnectionVault;
import dev.lakehouse.gateway.vault.VaultConnection;
import dev.lakehouse.gateway.vault.VaultGrant;
import dev.lakehouse.gateway.vault.VaultRequestException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The connect pages: a person signed in with Keycloak (OIDC login, separate from the agents' bearer tokens) sees their
 * tenants' connections and their status, connects a workspace by signing in there (U2M), and — as a tenant admin —
 * adds connections (U2M app, service principal, personal access token). Secrets are posted to the gateway over these
 * pages, never through an agent. Without OAuth (loopback quick start) the local user administers the default tenant.
 */
@Controller
public class ConnectPages {

    private static final String LOOPBACK_SUBJECT = "anonymous";

    private final ConnectFlow flow;
    private final ConnectionVault vault;
    private final TenantConnections connections;
    private final IdentityProperties identity;

    public ConnectPages(ConnectFlow flow, ConnectionVault vault, TenantConnections connections, IdentityProperties identity) {
        this.flow = flow;
        this.vault = vault;
        this.connections = connections;
        this.identity = identity;
    }

    @GetMapping("/connect")
    public ResponseEntity<String> home(Authentication authentication, HttpServletRequest request) {
        Person person = person(authentication);
        StringBuilder body = new StringBuilder();
        if (person.tenants().isEmpty()) {
            body.append("<p>Your account belongs to no tenant (Keycloak organization) of this gateway.</p>");
        }
        for (String tenant : new TreeSet<>(person.tenants())) {
            body.append("<section aria-labelledby=\"t-").append(esc(tenant)).append("\"><h2 id=\"t-").append(esc(tenant))
                    .append("\">Tenant ").append(esc(tenant)).append("</h2>");
            body.append(table(person, tenant, request));
            if (person.adminOf(tenant)) {
                body.append(addForms(tenant, request));
            }
            body.append("</section>");
        }
        return html(200, ConnectHtml.page("Your Databricks workspaces", person.name(), body.toString()));
    }

    /** Where a refused Keycloak sign-in ends (the pages never loop back to Keycloak on their own). */
    @GetMapping(ConnectSecurity.SIGN_IN_FAILED)
    public ResponseEntity<String> signInFailed() {
        return html(401, ConnectHtml.message("Sign-in failed", null, "Keycloak did not sign you in to the gateway. "
                + "Try again; if it keeps failing, ask your administrator.", false, null));
    }

    @PostMapping("/connect/{tenant}/connections")
    public ResponseEntity<String> create(@PathVariable String tenant, @RequestParam Map<String, String> form,
            Authentication authentication, HttpServletRequest request) {
        Person person = person(authentication);
        if (!dev.lakehouse.gateway.admin.AdminAccess.TENANT.matcher(tenant).matches() || !person.adminOf(tenant)) {
            return html(403, ConnectHtml.message("Not allowed", person.name(), "Only a tenant admin adds connections.", false, null));
        }
        String auth = form.getOrDefault("auth", "");
        String name = form.get("name");
        if (name != null && connections.configured(tenant, name)) {
            return html(409, ConnectHtml.message("Name in use", person.name(), "A connection named '" + name
                    + "' is defined in the gateway's configuration. Choose another name.", false, null));
        }
        try {
            // a Google service account's key JSON is its secret (pasted into the form's text area)
            String secret = VaultConnection.GOOGLE_CREDENTIALS.equals(auth) ? blankToNull(form.get("google_credentials"))
                    : blankToNull(form.get("client_secret"));
            VaultConnection c = vault.create(tenant, new ConnectionVault.NewConnection(name, form.get("host"), auth,
                    blankToNull(form.get("grant")), blankToNull(form.get("token")), blankToNull(form.get("client_id")),
                    secret, null, null, null, false, blankToNull(form.get("default_warehouse")),
                    true, Map.of(), null, Map.of(), blankToNull(form.get("azure_tenant_id")),
                    blankToNull(form.get("azure_workspace_resource_id")), blankToNull(form.get("federation_audience"))),
                    person.name());
            String next = VaultConnection.U2M.equals(c.authMethod()) ? startForm(tenant, c.name(), null,
                    "Sign in to Databricks now", request) : null;
            return html(201, ConnectHtml.message("Connection added", person.name(), "Connection '" + c.name()
                    + "' was added (" + c.authMethod() + ").", true, next));
        } catch (VaultRequestException e) {
            return html(e.status(), ConnectHtml.message("Not added", person.name(), e.getMessage(), false, null));
        }
    }

    @PostMapping("/connect/{tenant}/{name}/start")
    public ResponseEntity<String> start(@PathVariable String tenant, @PathVariable String name,
            @RequestParam(name = "elicitation", required = false) String elicitation, Authentication authentication) {
        Person person = person(authentication);
        try {
            String authorize = flow.start(person, tenant, name, blankToNull(elicitation));
            return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create(authorize))
                    .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
        } catch (ConnectFlow.Refused e) {
            return html(e.status(), ConnectHtml.message("Cannot connect", person.name(), e.getMessage(), false, null));
        }
    }

    /** The page behind a reconnect link an agent handed its human. */
    @GetMapping("/connect/e/{id}")
    public ResponseEntity<String> elicitation(@PathVariable String id, Authentication authentication, HttpServletRequest request) {
        Person person = person(authentication);
        try {
            ConnectStore.Elicitation e = flow.openElicitation(person, id);
            if (e.completedAt() != null) {
                return html(200, ConnectHtml.message("Already connected", person.name(), "This link was used already: "
                        + "connection '" + e.connection() + "' is connected. Your agent can try again.", true, null));
            }
            String body = "<p>Your agent needs you to sign in to Databricks for workspace connection <strong>"
                    + esc(e.connection()) + "</strong> (tenant " + esc(e.tenant()) + "). You will be sent to the workspace "
                    + "to sign in and allow access; then you come back here.</p>"
                    + startForm(e.tenant(), e.connection(), id, "Continue to Databricks", request);
            return html(200, ConnectHtml.page("Connect " + e.connection(), person.name(), body));
        } catch (ConnectFlow.Refused e) {
            return html(e.status(), ConnectHtml.message(e.status() == 403 ? "Not your link" : "Link not found",
                    person.name(), e.getMessage(), false, null));
        }
    }

    @GetMapping("/connect/callback")
    public ResponseEntity<String> callback(@RequestParam(required = false) String state,
            @RequestParam(required = false) String code, @RequestParam(required = false) String error,
            @RequestParam(name = "error_description", required = false) String errorDescription,
            Authentication authentication) {
        Person person = person(authentication);
        ConnectFlow.Outcome outcome = flow.callback(person, state, code, error, errorDescription);
        return html(outcome.status(), ConnectHtml.message(outcome.title(), person.name(), outcome.message(),
                outcome.status() == 200, null));
    }

    // --- rendering -------------------------------------------------------------------------------------------------

    private String table(Person person, String tenant, HttpServletRequest request) {
        List<String> rows = new ArrayList<>();
        connections.names(tenant).forEach(name -> {
            if (connections.configured(tenant, name)) {
                rows.add("<tr><td>" + esc(name) + "</td><td>configured</td><td>" + "<span class=\"status active\">"
                        + "configured by the operator</span></td><td>" + toolGroups(connections.tenants().get(tenant)
                        .connections().get(name).exposure()) + "</td><td></td></tr>");
            }
        });
        for (VaultConnection c : vault.connections(tenant)) {
            List<VaultGrant> grants = vault.grants(c);
            // a federated connection keeps no grant per user: its own status is everyone's
            VaultGrant mine = grants.stream().filter(g -> g.subject().equals(c.perUser() && !c.federated()
                    ? person.subject() : VaultConnection.OWN)).findFirst().orElse(null);
            ConnectionStatus status = mine == null ? ConnectionStatus.PENDING : mine.status();
            String detail = mine == null ? (c.perUser() ? "You have not connected your account yet." : "")
                    : (mine.statusReason() == null ? "" : mine.statusReason());
            String action = "";
            if (VaultConnection.U2M.equals(c.authMethod()) && (c.perUser() || person.adminOf(tenant))) {
                action = startForm(tenant, c.name(), null, status == ConnectionStatus.ACTIVE ? "Reconnect" : "Connect", request);
            }
            rows.add("<tr><td>" + esc(c.name()) + "<div class=\"note\">" + esc(c.host()) + " <span class=\"cloud\">"
                    + esc(vault.cloud(c).wire()) + "</span></div></td><td>"
                    + esc(c.authMethod()) + (c.perUser() ? " (each user)" : "") + "</td><td><span class=\"status "
                    + status.wire() + "\">" + esc(status.wire()) + "</span>" + (mine != null && mine.principal() != null
                    ? " as " + esc(mine.principal()) : "") + "<div class=\"note\">" + esc(detail) + "</div></td><td>"
                    + toolGroups(c.exposure()) + "</td><td>" + action + "</td></tr>");
        }
        if (rows.isEmpty()) {
            return "<p>No workspace is connected yet.</p>";
        }
        return "<table><caption class=\"note\">Connections of tenant " + esc(tenant) + "</caption><thead><tr>"
                + "<th scope=\"col\">Name</th><th scope=\"col\">Sign-in</th><th scope=\"col\">Status</th>"
                + "<th scope=\"col\">Tools for agents</th><th scope=\"col\">Action</th></tr></thead><tbody>" + String.join("", rows) + "</tbody></table>";
    }

    /** The tool groups a connection gives agents and how (read only, all, the human confirms changes); off ones left out. */
    static String toolGroups(java.util.Map<String, TenantProperties.Exposure> exposure) {
        List<String> groups = new ArrayList<>();
        for (String group : new java.util.TreeSet<>(WorkspaceConnection.DATABRICKS_GROUPS)) {
            TenantProperties.Exposure mode = exposure == null ? TenantProperties.Exposure.READ
                    : exposure.getOrDefault(group, TenantProperties.Exposure.READ);
            if (mode != TenantProperties.Exposure.OFF) {
                String how = switch (mode) {
                    case READ -> "read";
                    case ON -> "read and change";
                    default -> "changes confirmed";
                };
                groups.add("<span class=\"group\">" + esc(group) + " <span class=\"note\">" + how + "</span></span>");
            }
        }
        return groups.isEmpty() ? "<span class=\"note\">none</span>" : String.join(", ", groups);
    }

    private String addForms(String tenant, HttpServletRequest request) {
        String action = "/connect/" + esc(tenant) + "/connections";
        String csrf = csrf(request);
        return "<h2>Add a workspace</h2><p class=\"note\">For OAuth (U2M), register this redirect URL in your "
                + "Databricks OAuth app: <code id=\"redirect-url\">" + esc(flow.callbackUrl()) + "</code></p>"
                + "<form class=\"card\" method=\"post\" action=\"" + action + "\" aria-label=\"Add with OAuth\">"
                + "<input type=\"hidden\" name=\"auth\" value=\"oauth-u2m\">" + csrf
                + field("Name", "name", "u2m-name", "text", true) + field("Workspace URL", "host", "u2m-host", "url", true)
                + field("OAuth app client id", "client_id", "u2m-client-id", "text", true)
                + field("OAuth app client secret (optional)", "client_secret", "u2m-client-secret", "password", false)
                + "<label for=\"u2m-grant\">Whose Databricks account</label><select id=\"u2m-grant\" name=\"grant\">"
                + "<option value=\"per-user\">Each user signs in with their own account</option>"
                + "<option value=\"shared\">One account shared by the tenant</option></select>"
                + "<button type=\"submit\">Add with OAuth</button></form>"
                + "<form class=\"card\" method=\"post\" action=\"" + action + "\" aria-label=\"Add a service principal\">"
                + "<input type=\"hidden\" name=\"auth\" value=\"oauth-m2m\">" + csrf
                + field("Name", "name", "m2m-name", "text", true) + field("Workspace URL", "host", "m2m-host", "url", true)
                + field("Service principal client id", "client_id", "m2m-client-id", "text", true)
                + field("Service principal secret", "client_secret", "m2m-client-secret", "password", true)
                + "<button type=\"submit\">Add service principal</button></form>"
                + "<form class=\"card\" method=\"post\" action=\"" + action + "\" aria-label=\"Add a personal access token\">"
                + "<input type=\"hidden\" name=\"auth\" value=\"pat\">" + csrf
                + field("Name", "name", "pat-name", "text", true) + field("Workspace URL", "host", "pat-host", "url", true)
                + field("Personal access token", "token", "pat-token", "password", true)
                + "<button type=\"submit\">Add token</button></form>"
                + "<form class=\"card\" method=\"post\" action=\"" + action + "\" aria-label=\"Add an Azure service principal\">"
                + "<input type=\"hidden\" name=\"auth\" value=\"azure-client-secret\">" + csrf
                + field("Name", "name", "azure-name", "text", true)
                + field("Azure Databricks workspace URL (*.azuredatabricks.net)", "host", "azure-host", "url", true)
                + field("Entra ID application (client) id", "client_id", "azure-client-id", "text", true)
                + field("Client secret value", "client_secret", "azure-client-secret", "password", true)
                + field("Entra tenant id (optional: read from the workspace)", "azure_tenant_id", "azure-tenant-id", "text", false)
                + field("Workspace Azure resource id (optional: for a Contributor that is not yet a workspace user)",
                        "azure_workspace_resource_id", "azure-resource-id", "text", false)
                + "<button type=\"submit\">Add Azure service principal</button></form>"
                + "<form class=\"card\" method=\"post\" action=\"" + action + "\" aria-label=\"Add a Google service account\">"
                + "<input type=\"hidden\" name=\"auth\" value=\"google-credentials\">" + csrf
                + field("Name", "name", "gcp-name", "text", true)
                + field("Databricks on Google Cloud workspace URL (*.gcp.databricks.com)", "host", "gcp-host", "url", true)
                + "<label for=\"gcp-key\">Service account key (JSON)</label><textarea id=\"gcp-key\" "
                + "name=\"google_credentials\" rows=\"4\" required autocomplete=\"off\" spellcheck=\"false\"></textarea>"
                + "<button type=\"submit\">Add Google service account</button></form>"
                + "<form class=\"card\" method=\"post\" action=\"" + action + "\" aria-label=\"Add with token federation\">"
                + "<input type=\"hidden\" name=\"auth\" value=\"oauth-federation\">" + csrf
                + field("Name", "name", "fed-name", "text", true) + field("Workspace URL", "host", "fed-host", "url", true)
                + field("Audience the account's federation policy trusts (optional)", "federation_audience",
                        "fed-audience", "text", false)
                + "<button type=\"submit\">Add with token federation</button></form>";
    }

    private String startForm(String tenant, String name, String elicitation, String label, HttpServletRequest request) {
        return "<form method=\"post\" action=\"/connect/" + esc(tenant) + "/" + esc(name) + "/start\">" + csrf(request)
                + (elicitation == null ? "" : "<input type=\"hidden\" name=\"elicitation\" value=\"" + esc(elicitation) + "\">")
                + "<button type=\"submit\" id=\"start-" + esc(name) + "\">" + esc(label) + "</button></form>";
    }

    private static String field(String label, String name, String id, String type, boolean required) {
        return "<label for=\"" + id + "\">" + esc(label) + "</label><input id=\"" + id + "\" name=\"" + name + "\" type=\""
                + type + "\"" + (required ? " required" : "") + " autocomplete=\"off\">";
    }

    private static String csrf(HttpServletRequest request) {
        CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        return token == null ? "" : ConnectHtml.csrf(token.getParameterName(), token.getToken());
    }

    private static ResponseEntity<String> html(int status, String page) {
        return ResponseEntity.status(status).contentType(new MediaType("text", "html", java.nio.charset.StandardCharsets.UTF_8))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
                .header("X-Content-Type-Options", "nosniff")
                // same-origin: no referrer leaves for the workspace, and our own form posts keep their Origin
                .header("Referrer-Policy", "same-origin")
                .body(page);
    }

    /** Who is on the page: the OIDC user (sub, organizations, realm roles) or, without OAuth, the local user. */
    Person person(Authentication authentication) {
        if (!identity.oauthEnabled()) {
            return new Person(LOOPBACK_SUBJECT, "local user (loopback mode)", Set.of(identity.defaultTenant()), true, true);
        }
        if (authentication == null || !(authentication.getPrincipal() instanceof OidcUser user)) {
            throw new IllegalStateException("the connect pages need a signed-in person");
        }
        Set<String> tenants = new TreeSet<>(CallerIdentity.tenants(user.getClaims().get(identity.tenantClaim())));
        Set<String> roles = new TreeSet<>();
        if (user.getClaims().get("realm_access") instanceof Map<?, ?> access && access.get("roles") instanceof List<?> list) {
            list.forEach(r -> roles.add(String.valueOf(r)));
        }
        String name = user.getPreferredUsername() != null ? user.getPreferredUsername() : user.getSubject();
        return new Person(user.getSubject(), name, tenants, roles.contains("gateway-admin"), roles.contains("tenant-admin"));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
