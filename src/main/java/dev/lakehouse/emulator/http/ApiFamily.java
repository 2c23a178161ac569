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
    /** Genie questions (start-conversation, create-message): limited apart, at a few per minute. */
    GENIE_ASK("genie-ask"),
    /** Genie reads: spaces, messages, attachment query results. */
    GENIE("genie"),
    VECTOR_SEARCH("vector-search"),
    /** Files API (/api/2.0/fs) and DBFS (/api/2.0/dbfs). */
    FILES("files"),
    /** Workspace objects: list, get-status, export. */
    WORKSPACE("workspace"),
    LINEAGE("lineage"),
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
        return of("GET", path);
    }

    /** As {@link #of(String)}; the method tells Genie questions (POST) from Genie reads. */
    public static ApiFamily of(String method, String path) {
        if (path.startsWith("/api/2.0/genie/")) {
            boolean question = "POST".equals(method) && (path.endsWith("/start-conversation") || path.endsWith("/messages"));
            return question ? GENIE_ASK : GENIE;
        }
        if (path.startsWith("/api/2.0/vector-search/")) {
            return VECTOR_SEARCH;
        }
        if (path.startsWith("/api/2.0/fs/") || path.startsWith("/api/2.0/dbfs/")) {
            return FILES;
        }
        if (path.startsWith("/api/2.0/workspace/")) {
            return WORKSPACE;
        }
        if (path.startsWith("/api/2.0/lineage-tracking/")) {
            return LINEAGE;
        }
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
