package dev.lakehouse.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.databricks.EmulatorAdmin;
import dev.lakehouse.gateway.identity.keycloak.UserLogin;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/**
 * Per-tenant admins against the real Keycloak: dana holds the realm role tenant-admin in organization acme, gil in
 * globex. Each manages its own tenant's connections and webhook; the other tenant answers exactly as a tenant that
 * does not exist (404). Users without the role, and agents, are refused; the platform role sees every tenant.
 */
class TenantAdminIsolationTest extends OAuthModeTestBase {

    @Autowired
    Environment environment;

    @Autowired
    dev.lakehouse.gateway.ops.AuditTrail audit;

    @Test
    void aTenantAdminManagesItsOwnTenantOnlyAndLearnsNothingOfTheOther() throws Exception {
        String dana = UserLogin.login(KEYCLOAK, "dana", "dana-password", "mcp-gateway", "organization").accessToken();
        String gil = UserLogin.login(KEYCLOAK, "gil", "gil-password", "mcp-gateway", "organization").accessToken();
        String alice = UserLogin.login(KEYCLOAK, "alice", "alice-password", "mcp-gateway", "organization").accessToken();
        String workspace = environment.getProperty("emulator.url.acme").replaceAll("/+$", "");
        String pat = EmulatorAdmin.at(workspace).call("POST", "/pats", Map.of()).path("token").asText();

        HttpResponse<String> created = call(dana, "POST", "/tenants/acme/connections",
                "{\"name\":\"dana-ws\",\"host\":\"" + workspace + "\",\"auth\":\"pat\",\"token\":\"" + pat + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).path("created_by").asText()).isEqualTo("dana");
        assertThat(names(call(dana, "GET", "/tenants/acme/connections", null))).contains("dana-ws");

        // gil (globex) cannot see, read, change or remove it, and cannot act on acme at all
        for (HttpResponse<String> refused : new HttpResponse[] {
                call(gil, "GET", "/tenants/acme/connections", null),
                call(gil, "GET", "/tenants/acme/connections/dana-ws", null),
                call(gil, "GET", "/tenants/acme/connections/dana-ws/events", null),
                call(gil, "PATCH", "/tenants/acme/connections/dana-ws", "{\"read_only\":false}"),
                call(gil, "PUT", "/tenants/acme/connections/dana-ws/secret", "{\"token\":\"x\"}"),
                call(gil, "DELETE", "/tenants/acme/connections/dana-ws", null),
                call(gil, "POST", "/tenants/acme/connections", "{\"name\":\"x\"}"),
                call(gil, "GET", "/tenants/acme/scoped-urls", null),
                call(gil, "GET", "/tenants/acme/webhook", null),
                call(gil, "PUT", "/tenants/acme/webhook", "{\"url\":\"https://evil.example/hook\"}")}) {
            assertThat(refused.statusCode()).as(refused.request().method() + " " + refused.uri() + ": " + refused.body())
                    .isEqualTo(404);
            assertThat(refused.body()).doesNotContain("dana-ws").doesNotContain(workspace);
        }
        assertThat(call(gil, "GET", "/tenants/nobody-at-all/connections", null).statusCode())
                .as("an unknown tenant answers alike").isEqualTo(404);
        assertThat(names(call(gil, "GET", "/tenants/globex/connections", null))).doesNotContain("dana-ws");
        // nor can dana act on globex
        assertThat(call(dana, "GET", "/tenants/globex/connections", null).statusCode()).isEqualTo(404);
        // the connection is untouched
        assertThat(JSON.readTree(call(dana, "GET", "/tenants/acme/connections/dana-ws", null).body()).path("status").asText())
                .isEqualTo("active");

        // the audit trail: dana's action is in acme's, which gil cannot read (404, as an unknown tenant); globex's
        // trail, which gil reads, holds nothing of acme
        assertThat(audit.flush(10_000)).isTrue();
        HttpResponse<String> acmeAudit = call(dana, "GET", "/tenants/acme/audit?limit=50", null);
        assertThat(acmeAudit.statusCode()).as(acmeAudit.body()).isEqualTo(200);
        assertThat(JSON.readTree(acmeAudit.body()).path("records")).anySatisfy(r -> {
            assertThat(r.path("kind").asText()).isEqualTo("admin");
            assertThat(r.path("subject").asText()).isEqualTo("dana");
            assertThat(r.path("action").asText()).startsWith("POST ");
            assertThat(r.path("outcome").asText()).isEqualTo("ok");
        });
        assertThat(acmeAudit.body()).doesNotContain(pat);
        HttpResponse<String> foreignAudit = call(gil, "GET", "/tenants/acme/audit", null);
        assertThat(foreignAudit.statusCode()).isEqualTo(404);
        assertThat(foreignAudit.body()).doesNotContain("dana");
        HttpResponse<String> globexAudit = call(gil, "GET", "/tenants/globex/audit", null);
        assertThat(globexAudit.statusCode()).isEqualTo(200);
        assertThat(globexAudit.body()).doesNotContain("dana").doesNotContain("acme");
        assertThat(call(alice, "GET", "/tenants/acme/audit", null).statusCode()).isEqualTo(403);

        // no role, or an agent: refused before any tenant is looked at; platform routes need gateway-admin
        assertThat(call(alice, "GET", "/tenants/acme/connections", null).statusCode()).isEqualTo(403);
        assertThat(call(acmeAgent(), "GET", "/tenants/acme/connections", null).statusCode()).isEqualTo(403);
        assertThat(call(dana, "POST", "/vault/rewrap", null).statusCode()).isEqualTo(403);
        assertThat(call(null, "GET", "/tenants/acme/connections", null).statusCode()).isEqualTo(401);

        // the platform operator sees and manages every tenant
        assertThat(names(call(adminToken(), "GET", "/tenants/acme/connections", null))).contains("dana-ws");
        assertThat(call(adminToken(), "POST", "/vault/rewrap", null).statusCode()).isEqualTo(200);
        assertThat(call(adminToken(), "DELETE", "/tenants/acme/connections/dana-ws", null).statusCode()).isEqualTo(204);
    }

    private HttpResponse<String> call(String bearer, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin" + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request.build());
    }

    private static java.util.List<String> names(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        java.util.List<String> names = new java.util.ArrayList<>();
        for (JsonNode c : JSON.readTree(response.body()).path("connections")) {
            names.add(c.path("name").asText());
        }
        return names;
    }
}
