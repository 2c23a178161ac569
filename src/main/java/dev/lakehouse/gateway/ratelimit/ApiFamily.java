package dev.lakehouse.gateway.ratelimit;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The Databricks API families that are rate-limited apart, from the request's method and path. Job runs that start
 * work ({@code run-now}, {@code runs/submit}) are limited apart from job reads, and Genie questions (about five per
 * minute per workspace) apart from Genie reads. A declared REST tool may name its family (variable {@link #VARIABLE}).
 */
public enum ApiFamily {
    SQL_STATEMENTS("sql-statements"),
    UNITY_CATALOG("unity-catalog"),
    JOBS_RUN("jobs-run"),
    JOBS("jobs"),
    CLUSTERS("clusters"),
    WAREHOUSES("warehouses"),
    SCIM("scim"),
    TOKEN("token"),
    /** start-conversation and follow-up messages: Genie's own per-workspace question limit */
    GENIE_ASK("genie-ask"),
    GENIE("genie"),
    VECTOR_SEARCH("vector-search"),
    /** the Files API (/api/2.0/fs) and DBFS */
    FILES("files"),
    WORKSPACE("workspace"),
    LINEAGE("lineage"),
    OTHER("other");

    /** Exchange variable with the family a declared tool names for its call (else the path decides). */
    public static final String VARIABLE = "dbFamily";

    private static final Pattern JOBS_PATH = Pattern.compile("^/api/2\\.\\d+/jobs(/.*)?$");
    private static final Pattern JOBS_RUN_PATH = Pattern.compile("^/api/2\\.\\d+/jobs/(run-now|runs/submit)$");
    private static final Pattern CLUSTERS_PATH = Pattern.compile("^/api/2\\.\\d+/clusters(/.*)?$");
    private static final Pattern GENIE_ASK_PATH = Pattern.compile(
            "^/api/2\\.0/genie/spaces/[^/]+/(start-conversation|conversations/[^/]+/messages)$");

    private final String key;

    ApiFamily(String key) {
        this.key = key;
    }

    /** The name used in properties, metrics and RateLimit policy names, e.g. {@code unity-catalog}. */
    public String key() {
        return key;
    }

    public static ApiFamily of(String method, String path) {
        String p = path == null ? "" : path;
        if (p.startsWith("/api/2.0/sql/statements")) {
            return SQL_STATEMENTS;
        }
        if (p.startsWith("/api/2.0/sql/warehouses")) {
            return WAREHOUSES;
        }
        if (p.startsWith("/api/2.1/unity-catalog/")) {
            return UNITY_CATALOG;
        }
        if (JOBS_PATH.matcher(p).matches()) {
            return "POST".equalsIgnoreCase(method) && JOBS_RUN_PATH.matcher(p).matches() ? JOBS_RUN : JOBS;
        }
        if (CLUSTERS_PATH.matcher(p).matches()) {
            return CLUSTERS;
        }
        if (p.startsWith("/api/2.0/preview/scim/") || p.startsWith("/api/2.0/account/scim/")) {
            return SCIM;
        }
        if (p.startsWith("/oidc/v1/token")) {
            return TOKEN;
        }
        if (p.startsWith("/api/2.0/genie/")) {
            return "POST".equalsIgnoreCase(method) && GENIE_ASK_PATH.matcher(p).matches() ? GENIE_ASK : GENIE;
        }
        if (p.startsWith("/api/2.0/vector-search/")) {
            return VECTOR_SEARCH;
        }
        if (p.startsWith("/api/2.0/fs/") || p.startsWith("/api/2.0/dbfs/")) {
            return FILES;
        }
        if (p.startsWith("/api/2.0/workspace/")) {
            return WORKSPACE;
        }
        if (p.startsWith("/api/2.0/lineage-tracking/")) {
            return LINEAGE;
        }
        return OTHER;
    }

    /** The family of the call an exchange is about to make: the declared one, else from its method and path. */
    public static ApiFamily ofCall(org.apache.camel.Exchange exchange) {
        ApiFamily declared = exchange.getVariable(VARIABLE, ApiFamily.class);
        return declared != null ? declared
                : of(exchange.getVariable("dbMethod", "GET", String.class), exchange.getVariable("dbPath", String.class));
    }

    /** A family by its property name ({@code unity-catalog}); unknown names are a configuration error. */
    public static ApiFamily byKey(String name) {
        String normalized = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (ApiFamily family : values()) {
            if (family.key.equals(normalized)) {
                return family;
            }
        }
        throw new IllegalArgumentException("Unknown Databricks API family '" + name + "'; known: sql-statements, "
                + "unity-catalog, jobs-run, jobs, clusters, warehouses, scim, token, genie-ask, genie, vector-search, files, workspace, "
                + "lineage, other");
    }
}
