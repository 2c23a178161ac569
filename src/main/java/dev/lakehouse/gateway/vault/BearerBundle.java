package dev.lakehouse.gateway.vault;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bearer token with the companion headers some clouds want beside it (Azure's management token and workspace
 * resource id), kept as one sealed access-token value: line one is the bearer token, each further line
 * {@code Header-Name: value}. Tokens and header values never contain a line break, so the form is unambiguous.
 */
public record BearerBundle(String token, Map<String, String> headers) {

    public BearerBundle {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static BearerBundle of(String token) {
        return new BearerBundle(token, Map.of());
    }

    /** The stored form; a plain token when there are no headers (every grant written before bundles). */
    public String encode() {
        StringBuilder out = new StringBuilder(token);
        headers.forEach((name, value) -> out.append('\n').append(name).append(": ").append(value));
        return out.toString();
    }

    public static BearerBundle decode(String stored) {
        if (stored == null || stored.indexOf('\n') < 0) {
            return new BearerBundle(stored, Map.of());
        }
        String[] lines = stored.split("\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(": ");
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon), lines[i].substring(colon + 2));
            }
        }
        return new BearerBundle(lines[0], headers);
    }

    @Override
    public String toString() {
        return "BearerBundle[headers=" + headers.keySet() + "]";
    }
}
