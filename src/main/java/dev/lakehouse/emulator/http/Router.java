package dev.lakehouse.emulator.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Method + path-template routing. Templates use {@code {name}} for one path segment and, as their last
 * segment only, {@code {+name}} for the rest of the path (one or more segments, joined with {@code /}: the
 * Files API carries a whole volume path after its prefix). Segments are percent-decoded before matching
 * (the SDK does not encode UC names, but other clients do).
 */
public final class Router {

    /** Computes the response body (JSON-serialised) or a full {@link ApiResponse}. */
    @FunctionalInterface
    public interface Handler {
        Object handle(ApiRequest request) throws Exception;
    }

    /** A matched route: its handler, whether it needs a bearer token, and the path parameters. */
    public record Match(Handler handler, boolean authenticated, Map<String, String> params) { }

    private record Route(String method, String[] template, Handler handler, boolean authenticated) { }

    private final List<Route> routes = new ArrayList<>();

    public Router add(String method, String template, Handler handler) {
        routes.add(new Route(method, split(template), handler, true));
        return this;
    }

    /** A route that needs no bearer token (discovery and OAuth endpoints). */
    public Router addPublic(String method, String template, Handler handler) {
        routes.add(new Route(method, split(template), handler, false));
        return this;
    }

    public Match match(String method, String rawPath) {
        String[] segments = split(rawPath);
        for (int i = 0; i < segments.length; i++) {
            segments[i] = URLDecoder.decode(segments[i].replace("+", "%2B"), StandardCharsets.UTF_8);
        }
        for (Route route : routes) {
            String rest = restName(route.template);
            int fixed = rest == null ? route.template.length : route.template.length - 1;
            boolean lengthFits = rest == null ? segments.length == fixed : segments.length > fixed;
            if (!route.method.equals(method) || !lengthFits) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            boolean ok = true;
            for (int i = 0; i < fixed && ok; i++) {
                String part = route.template[i];
                if (part.startsWith("{") && part.endsWith("}")) {
                    params.put(part.substring(1, part.length() - 1), segments[i]);
                } else {
                    ok = part.equals(segments[i]);
                }
            }
            if (ok && rest != null) {
                params.put(rest, String.join("/", java.util.Arrays.copyOfRange(segments, fixed, segments.length)));
            }
            if (ok) {
                return new Match(route.handler, route.authenticated, params);
            }
        }
        return null;
    }

    /** The name of a trailing {@code {+name}} segment, or null when the template has none. */
    private static String restName(String[] template) {
        if (template.length == 0) {
            return null;
        }
        String last = template[template.length - 1];
        return last.startsWith("{+") && last.endsWith("}") ? last.substring(2, last.length() - 1) : null;
    }

    static void bind(ApiRequest request, Match match) {
        request.pathParams(match.params());
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }
}
