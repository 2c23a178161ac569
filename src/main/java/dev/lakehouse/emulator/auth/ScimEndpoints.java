package dev.lakehouse.emulator.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.Router;

/** {@code /api/2.0/preview/scim/v2/Me}: the caller, a user or (for OAuth M2M) a service principal. */
public final class ScimEndpoints {

    public void register(Router router) {
        router.add("GET", "/api/2.0/preview/scim/v2/Me", this::me);
    }

    private Object me(ApiRequest request) {
        Principal p = request.principal();
        ObjectNode body = Json.obj();
        body.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:User")
                .add("urn:ietf:params:scim:schemas:extension:workspace:2.0:User");
        body.put("id", p.id());
        body.put("userName", p.userName());
        body.put("displayName", p.displayName());
        body.put("active", true);
        if (p.isServicePrincipal()) {
            body.put("applicationId", p.userName());
        } else {
            body.putArray("emails").addObject().put("value", p.userName()).put("type", "work").put("primary", true);
            body.putObject("name").put("givenName", p.displayName());
        }
        body.putArray("groups").addObject().put("display", "users").put("type", "direct").put("value", "1000");
        body.putArray("entitlements").addObject().put("value", "workspace-access");
        return body;
    }
}
