package dev.lakehouse.gateway.mcp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.admin.AdminApi;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Step 1 of every request, whatever its path (MCP, scoped URLs, admin API, actuator, OAuth metadata, unknown paths):
 * the Origin and Host allow-lists, before authentication and before any route. A page on another site that a
 * browser lets talk to the gateway (DNS rebinding, a foreign Origin) gets 403 and learns nothing else. MCP paths get
 * a JSON-RPC error body, every other path the admin API's {status, error, message}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class OriginHostFilter extends OncePerRequestFilter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TransportGuard guard;
    private final JsonRpc jsonRpc;

    public OriginHostFilter(TransportGuard guard, JsonRpc jsonRpc) {
        this.guard = guard;
        this.jsonRpc = jsonRpc;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String refusal = guard.originHostRefusal(request.getHeader("Origin"), request.getHeader("Host"));
        if (refusal == null) {
            chain.doFilter(request, response);
            return;
        }
        String path = request.getRequestURI();
        boolean mcp = path != null && (path.equals("/mcp") || path.startsWith("/mcp/"));
        String body = mcp ? jsonRpc.error(null, JsonRpcErrors.TRANSPORT_ERROR, refusal, null)
                : JSON.writeValueAsString(AdminApi.problem(403, refusal));
        response.setStatus(403);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(body);
    }
}
