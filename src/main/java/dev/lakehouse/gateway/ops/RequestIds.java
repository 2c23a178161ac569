package dev.lakehouse.gateway.ops;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;

import dev.lakehouse.gateway.mcp.SessionRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Exchange;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * One id per HTTP request, before anything else runs: taken from a well-formed {@code X-Request-Id} header (a load
 * balancer's), else made here; answered in {@code X-Request-Id}, put in the logging MDC as {@code request_id} (every
 * log line of the request carries it; Camel keeps it across the threads of an exchange), kept by the MCP routes in
 * variable {@code requestId}, written in the audit record, and named in every {@code Internal error (ref …)} answer.
 */
@Component("requestIds")
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestIds extends OncePerRequestFilter {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "request_id";
    public static final String VARIABLE = "requestId";
    /** What a caller's id may look like; anything else is replaced (it lands in logs and the audit table). */
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:-]{8,64}");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader(HEADER);
        String id = given != null && WELL_FORMED.matcher(given).matches() ? given : SessionRegistry.randomId(12);
        response.setHeader(HEADER, id);
        MDC.put(MDC_KEY, id);
        try {
            // the routes may run on another thread than this filter: they read the id from the request's header
            chain.doFilter(given != null && given.equals(id) ? request : new WithRequestId(request, id), response);
        } finally {
            MDC.remove(MDC_KEY);
        }
    }

    /** Route step at the entry of the MCP routes: the request's id (header set by the filter) into variable {@code requestId}. */
    public void capture(Exchange exchange) {
        String id = exchange.getMessage().getHeader(HEADER, String.class);
        if (id != null && WELL_FORMED.matcher(id).matches()) {
            exchange.setVariable(VARIABLE, id);
        }
        of(exchange);
    }

    /** The request as the routes see it: with the id this filter chose in its X-Request-Id header. */
    private static final class WithRequestId extends HttpServletRequestWrapper {
        private final String id;

        WithRequestId(HttpServletRequest request, String id) {
            super(request);
            this.id = id;
        }

        @Override
        public String getHeader(String name) {
            return HEADER.equalsIgnoreCase(name) ? id : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return HEADER.equalsIgnoreCase(name) ? Collections.enumeration(List.of(id)) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>(Collections.list(super.getHeaderNames()));
            if (names.stream().noneMatch(HEADER::equalsIgnoreCase)) {
                names.add(HEADER);
            }
            return Collections.enumeration(names);
        }
    }

    /** The id of the request an exchange serves (made, and kept, when none was given: a non-HTTP exchange). */
    public static String of(Exchange exchange) {
        String id = exchange.getVariable(VARIABLE, String.class);
        if (id == null) {
            id = MDC.get(MDC_KEY);
            if (id == null) {
                id = SessionRegistry.randomId(12);
            }
            exchange.setVariable(VARIABLE, id);
        }
        return id;
    }
}
