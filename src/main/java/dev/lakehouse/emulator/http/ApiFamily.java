package dev.lakehouse.emulator.http;

import java.util.Locale;

/** API families that rate limits and faults are scoped to, decided from the request path. */
public enum ApiFamily {
    SQL("sql"),
    UNITY_CATALOG("unity-catalog"),
    JOBS("jobs"),
    CLUSTERS("clusters"),
    WAREHOUSES("warehouses"),
    TOKEN("token"),
    SCIM("scim"),
    OTHER("other");

    private final String key;

    ApiFamily(String key) {
        this.key = key;
    }

    /** The property / admin-API name of the family, e.g. {@code unity-catalog}. */
    public String key() {
        return key;
    }

    public static ApiFamily of(String path) {
        if (path.startsWith("/api/2.0/sql/warehouses")) {
            return WAREHOUSES;
        }
        if (path.startsWith("/api/2.0/sql/statements")) {
            return SQL;
        }
        if (path.startsWith("/api/2.1/unity-catalog")) {
            return UNITY_CATALOG;
        }
        if (path.matches("^/api/2\\.\\d/jobs(/.*)?$")) {
            return JOBS;
        }
        if (path.matches("^/api/2\\.\\d/clusters(/.*)?$")) {
            return CLUSTERS;
        }
        if (path.startsWith("/oidc/v1/token")) {
            return TOKEN;
        }
        if (path.startsWith("/api/2.0/preview/scim") || path.startsWith("/api/2.0/account/scim")) {
            return SCIM;
        }
        return OTHER;
    }

    /** Parses a family name as written in properties or admin requests ({@code unity-catalog}, {@code UNITY_CATALOG}). */
    public static ApiFamily parse(String name) {
        String normalized = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (ApiFamily family : values()) {
            if (family.key.equals(normalized)) {
                return family;
            }
        }
        throw ApiException.invalidParameter("Unknown API family '" + name + "'");
    }
}
