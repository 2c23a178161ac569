package dev.lakehouse.gateway.mcp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.admin.AdminApi;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Readiness at the door: Tomcat listens before Camel has started the routes (platform-http registers /mcp and the
 * admin API when the routes start), so until the application is ready every request but the liveness probe gets
 * 503 with {@code Retry-After: 1} — never a 404 for an endpoint that is about to exist (the health endpoint too: it
 * answers UP only once the gateway serves). A JSON-RPC error for /mcp.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class StartupGate extends OncePerRequestFilter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonRpc jsonRpc;
    private volatile boolean ready;

    public StartupGate(JsonRpc jsonRpc) {
        this.jsonRpc = jsonRpc;
    }

    /** Camel's routes are started before Spring Boot announces the application ready. */
    @EventListener(ApplicationReadyEvent.class)
    public void open() {
        ready = true;
    }

    /** Whether /mcp serves (the readiness group's {@code mcp} indicator). */
    public boolean isReady() {
        return ready;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        if (ready || path != null && path.startsWith("/actuator/health/liveness")) {   // liveness, where probes are enabled
            chain.doFilter(request, response);
            return;
        }
        boolean mcp = path != null && (path.equals("/mcp") || path.startsWith("/mcp/"));
        String message = "The gateway is starting; try again in a second";
        response.setStatus(503);
        response.setHeader("Retry-After", "1");
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(mcp ? jsonRpc.error(null, JsonRpcErrors.TRANSPORT_ERROR, message, null)
                : JSON.writeValueAsString(AdminApi.problem(503, message)));
    }
}
