package dev.lakehouse.gateway.identity;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** RFC 9728 protected resource metadata of the MCP endpoint: which authorization servers issue tokens for it. */
@Component("protectedResourceMetadata")
public class ProtectedResourceMetadata {

    static final List<String> SCOPES = List.of("mcp-gateway", "catalog", "sql", "jobs", "compute", "warehouses");

    private final IdentityProperties identity;

    public ProtectedResourceMetadata(IdentityProperties identity) {
        this.identity = identity;
    }

    public String resource() {
        return identity.resource();
    }

    /** The path-inserted well-known URL (RFC 9728 §3.1) of the resource. */
    public String metadataUrl() {
        URI resource = URI.create(identity.resource());
        return resource.getScheme() + "://" + resource.getRawAuthority() + "/.well-known/oauth-protected-resource"
                + (resource.getRawPath() == null ? "" : resource.getRawPath());
    }

    public String defaultScope() {
        return "mcp-gateway catalog sql";
    }

    /** Route step: the document, or 404 when the gateway runs without an authorization server. */
    public Object document(Exchange exchange) {
        if (!identity.oauthEnabled()) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            return "{\"error\":\"not_found\",\"error_description\":\"This gateway runs without OAuth (no issuer configured)\"}";
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("resource", identity.resource());
        document.put("authorization_servers", identity.issuers());
        document.put("scopes_supported", SCOPES);
        document.put("bearer_methods_supported", List.of("header"));
        document.put("resource_name", "Databricks MCP Gateway");
        return document;
    }
}
