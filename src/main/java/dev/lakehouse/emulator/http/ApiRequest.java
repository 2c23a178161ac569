package dev.lakehouse.emulator.http;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;

import dev.lakehouse.emulator.auth.Principal;

/** One parsed request: decoded path, query, body (parsed lazily) and the authenticated principal. */
public final class ApiRequest {

    private final String method;
    private final String path;
    private final Map<String, List<String>> query;
    private final byte[] body;
    private final Headers headers;
    private final InetSocketAddress remote;
    private Map<String, String> pathParams = Map.of();
    private Principal principal;
    private JsonNode json;

    public ApiRequest(String method, String path, String rawQuery, byte[] body, Headers headers,
                      InetSocketAddress remote) {
        this.method = method;
        this.path = path;
        this.query = parseForm(rawQuery);
        this.body = body;
        this.headers = headers;
        this.remote = remote;
    }

    /** Parses {@code a=1&b=2} style text (query strings and urlencoded form bodies). */
    public static Map<String, List<String>> parseForm(String text) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return result;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                result.computeIfAbsent(URLDecoder.decode(key, StandardCharsets.UTF_8), k -> new ArrayList<>())
                        .add(URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "MALFORMED_REQUEST", "Malformed percent-encoding in '" + pair + "'");
            }
        }
        return result;
    }

    public String method() { return method; }

    public String path() { return path; }

    public Headers headers() { return headers; }

    public InetSocketAddress remote() { return remote; }

    public Principal principal() { return principal; }

    public void principal(Principal principal) { this.principal = principal; }

    void pathParams(Map<String, String> params) { this.pathParams = params; }

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    public String header(String name) {
        return headers.getFirst(name);
    }

    /** Scheme + authority the client used, so issued URLs match what the client called. */
    public String baseUrl() {
        String host = headers.getFirst("Host");
        return "http://" + (host != null ? host : remote.getHostString());
    }

    public String query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }

    public List<String> queryAll(String name) {
        return query.getOrDefault(name, Collections.emptyList());
    }

    public Integer queryInt(String name) {
        String value = query(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiException.invalidParameter("Invalid value for " + name + ": '" + value + "' is not an integer");
        }
    }

    public Long queryLong(String name) {
        String value = query(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.invalidParameter("Invalid value for " + name + ": '" + value + "' is not an integer");
        }
    }

    public boolean queryBool(String name) {
        return "true".equalsIgnoreCase(query(name));
    }

    public String requireQuery(String name) {
        String value = query(name);
        if (value == null || value.isEmpty()) {
            throw ApiException.invalidParameter("Missing required field: " + name);
        }
        return value;
    }

    public byte[] body() { return body; }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as a JSON object; an empty body is {@code {}}; anything unparsable is a 400. */
    public JsonNode json() {
        if (json == null) {
            if (body.length == 0 || bodyText().isBlank()) {
                json = Json.obj();
            } else {
                try {
                    json = Json.MAPPER.readTree(body);
                } catch (JsonProcessingException e) {
                    throw new ApiException(400, "MALFORMED_REQUEST",
                            "Invalid JSON given in the body of the request - " + e.getOriginalMessage());
                } catch (java.io.IOException e) {
                    throw new ApiException(400, "MALFORMED_REQUEST", "Unreadable request body");
                }
                if (!(json instanceof ObjectNode)) {
                    throw new ApiException(400, "MALFORMED_REQUEST",
                            "Invalid JSON given in the body of the request - expected a JSON object");
                }
            }
        }
        return json;
    }

    public String bodyString(String field) {
        JsonNode node = json().get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isValueNode()) {
            throw ApiException.invalidParameter("Invalid value for " + field + ": expected a string");
        }
        return node.asText();
    }

    public String requireBodyString(String field) {
        String value = bodyString(field);
        if (value == null || value.isEmpty()) {
            throw ApiException.invalidParameter("Missing required field: " + field);
        }
        return value;
    }

    public Long bodyLong(String field) {
        JsonNode node = json().get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isTextual()) {
            try {
                return Long.parseLong(node.asText());
            } catch (NumberFormatException e) {
                // falls through
            }
        }
        throw ApiException.invalidParameter("Invalid value for " + field + ": expected an integer");
    }

    public long requireBodyLong(String field) {
        Long value = bodyLong(field);
        if (value == null) {
            throw ApiException.invalidParameter("Missing required field: " + field);
        }
        return value;
    }

    /** Urlencoded form body (OAuth endpoints and the login page). */
    public Map<String, String> form() {
        Map<String, String> single = new LinkedHashMap<>();
        parseForm(bodyText()).forEach((k, v) -> single.put(k, v.get(v.size() - 1)));
        return single;
    }
}
