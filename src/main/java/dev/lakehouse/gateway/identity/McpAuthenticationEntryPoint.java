package dev.lakehouse.gateway.identity;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.stereotype.Component;

/**
 * 401 and 403 the way MCP clients discover authorization (RFC 9728, RFC 6750): {@code WWW-Authenticate: Bearer
 * resource_metadata="…", scope="…"} (plus {@code error="invalid_token"} when a token was sent and refused).
 */
@Component
public class McpAuthenticationEntryPoint implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final ProtectedResourceMetadata metadata;

    public McpAuthenticationEntryPoint(ProtectedResourceMetadata metadata) {
        this.metadata = metadata;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        boolean tokenSent = request.getHeader("Authorization") != null;
        String challenge = "Bearer resource_metadata=\"" + metadata.metadataUrl() + "\", scope=\"" + metadata.defaultScope() + "\"";
        if (tokenSent) {
            challenge += ", error=\"invalid_token\", error_description=\"The access token is invalid, expired, not issued "
                    + "for this resource, or from an untrusted issuer\"";
        }
        write(response, 401, challenge, tokenSent ? "invalid_token" : "unauthorized",
                "Authentication required: send an access token for " + metadata.resource());
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied) throws IOException {
        forbidden(response, "gateway-admin", "This needs the gateway-admin role");
    }

    /** 403 insufficient_scope naming the scope the request needs. */
    public void forbidden(HttpServletResponse response, String scope, String description) throws IOException {
        write(response, 403, "Bearer error=\"insufficient_scope\", scope=\"" + scope + "\", resource_metadata=\""
                + metadata.metadataUrl() + "\", error_description=\"" + description + "\"", "insufficient_scope", description);
    }

    private static void write(HttpServletResponse response, int status, String challenge, String error, String description)
            throws IOException {
        response.setStatus(status);
        response.setHeader("WWW-Authenticate", challenge);
        response.setContentType("application/json");
        response.getWriter().write("{\"error\":\"" + error + "\",\"error_description\":\"" + description.replace("\"", "'") + "\"}");
    }
}
