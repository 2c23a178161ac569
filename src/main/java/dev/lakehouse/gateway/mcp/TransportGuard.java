package dev.lakehouse.gateway.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The transport checks of step 1 of the pipeline, each a route step: media types, body size, protocol version,
 * session; and the Origin and Host allow-lists (DNS-rebinding protection), which {@link OriginHostFilter} applies to
 * every path before anything else. Every refusal is an HTTP 4xx.
 */
@Component("transportGuard")
public class TransportGuard {

    /** Request attribute set by {@link BodyLimitFilter} when the body went over the limit. */
    public static final String BODY_TOO_LARGE = "gateway.mcp.bodyTooLarge";

    private final McpProperties properties;
    private final SessionRegistry sessions;
    private final List<Pattern> origins;
    private final List<Pattern> hosts;

    public TransportGuard(McpProperties properties, SessionRegistry sessions) {
        this.properties = properties;
        this.sessions = sessions;
        this.origins = compile(properties.allowedOrigins());
        this.hosts = compile(properties.allowedHosts());
    }

    /** {@code *} matches anything; {@code :*} any port or none; other {@code *} one host label part. */
    static List<Pattern> compile(List<String> patterns) {
        List<Pattern> compiled = new ArrayList<>();
        for (String raw : patterns) {
            String p = raw.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            if (p.equals("*")) {
                compiled.add(Pattern.compile(".*"));
                continue;
            }
            StringBuilder regex = new StringBuilder();
            String[] parts = p.split("\\*", -1);
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                boolean portWildcard = i < parts.length - 1 && part.endsWith(":");
                regex.append(Pattern.quote(portWildcard ? part.substring(0, part.length() - 1) : part));
                if (i < parts.length - 1) {
                    regex.append(portWildcard ? "(:[0-9]{1,5})?" : "[a-z0-9-]*");
                }
            }
            compiled.add(Pattern.compile(regex.toString()));
        }
        return compiled;
    }

    static boolean matches(List<Pattern> patterns, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return patterns.stream().anyMatch(p -> p.matcher(v).matches());
    }

    /**
     * DNS-rebinding protection for every path the gateway serves (applied by {@link OriginHostFilter}): why a request
     * with these Origin and Host headers is refused, or null when both are allowed. No Origin is fine (not a browser
     * page); no Host is not.
     */
    public String originHostRefusal(String origin, String host) {
        if (origin != null && !matches(origins, origin)) {
            return "Forbidden: Origin is not allowed";
        }
        if (host == null || !matches(hosts, host)) {
            return "Forbidden: Host is not allowed";
        }
        return null;
    }

    /** POST: a JSON body, and a client able to read both JSON and SSE answers. */
    public void checkPostMediaTypes(Exchange exchange) {
        String contentType = header(exchange, "Content-Type");
        if (contentType == null || !mediaType(contentType).equals("application/json")) {
            throw new McpTransportException(415, JsonRpcErrors.TRANSPORT_ERROR,
                    "Unsupported Media Type: Content-Type must be application/json");
        }
        String accept = header(exchange, "Accept");
        if (!accepts(accept, "application/json") || !accepts(accept, "text/event-stream")) {
            throw new McpTransportException(406, JsonRpcErrors.TRANSPORT_ERROR,
                    "Not Acceptable: Accept must include both application/json and text/event-stream");
        }
    }

    /** GET opens an SSE stream, so the client must accept one. */
    public void checkGetAccept(Exchange exchange) {
        if (!accepts(header(exchange, "Accept"), "text/event-stream")) {
            throw new McpTransportException(406, JsonRpcErrors.TRANSPORT_ERROR,
                    "Not Acceptable: Accept must include text/event-stream");
        }
    }

    public void checkBodySize(Exchange exchange) {
        HttpServletRequest request = exchange.getIn().getHeader("CamelHttpServletRequest", HttpServletRequest.class);
        if (request != null && Boolean.TRUE.equals(request.getAttribute(BODY_TOO_LARGE))) {
            throw new McpTransportException(413, JsonRpcErrors.TRANSPORT_ERROR,
                    "Payload Too Large: the body exceeds " + properties.maxBodyBytes() + " bytes");
        }
    }

    /** An unsupported MCP-Protocol-Version is a 400 that names the versions we speak. */
    public void checkProtocolVersion(Exchange exchange) {
        String version = header(exchange, "MCP-Protocol-Version");
        if (version != null && !ProtocolVersions.isSupported(version.trim())) {
            throw new McpTransportException(400, JsonRpcErrors.TRANSPORT_ERROR,
                    "Bad Request: unsupported MCP-Protocol-Version; supported: " + String.join(", ", ProtocolVersions.SUPPORTED),
                    Map.of("supported", ProtocolVersions.SUPPORTED, "requested", version), Map.of());
        }
    }

    /** Every request but initialize belongs to a session of this caller. */
    public void requireSession(Exchange exchange) {
        String caller = exchange.getVariable("caller", String.class);
        McpSession session = sessions.require(header(exchange, "Mcp-Session-Id"), caller);
        exchange.setVariable("mcpSession", session);
    }

    private static String header(Exchange exchange, String name) {
        return exchange.getIn().getHeader(name, String.class);
    }

    static String mediaType(String headerValue) {
        int semicolon = headerValue.indexOf(';');
        return (semicolon < 0 ? headerValue : headerValue.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /** The q parameter of a media range (RFC 9110 §12.4.2); q=0 means "not acceptable". */
    static double quality(String range) {
        for (String parameter : range.split(";")) {
            String p = parameter.trim().toLowerCase(Locale.ROOT);
            if (p.startsWith("q=")) {
                try {
                    return Double.parseDouble(p.substring(2).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }

    static boolean accepts(String accept, String wanted) {
        if (accept == null) {
            return false;
        }
        String wantedFamily = wanted.substring(0, wanted.indexOf('/')) + "/*";
        for (String range : accept.split(",")) {
            String type = mediaType(range);
            if ((type.equals(wanted) || type.equals(wantedFamily) || type.equals("*/*")) && quality(range) > 0) {
                return true;
            }
        }
        return false;
    }
}
