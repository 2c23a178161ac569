package dev.lakehouse.gateway.mcp;

import java.util.List;

/**
 * MCP revisions this gateway speaks, newest first: the stateless 2026-07-28 (no initialize, no session; see
 * RevisionRules) and the session revisions an initialize negotiates.
 */
public final class ProtocolVersions {

    /** The stateless revision: each request names it in MCP-Protocol-Version and its _meta. */
    public static final String STATELESS = "2026-07-28";
    /** The newest session revision: what an initialize is answered with when the client's is unknown. */
    public static final String LATEST = "2025-11-25";
    /** The session revisions (initialize, Mcp-Session-Id). */
    public static final List<String> SUPPORTED = List.of("2025-11-25", "2025-06-18", "2025-03-26");
    /** Every revision, as server/discover and UnsupportedProtocolVersion errors list them. */
    public static final List<String> ALL = List.of(STATELESS, "2025-11-25", "2025-06-18", "2025-03-26");
    /** What the transport spec says to assume when a client sends no MCP-Protocol-Version header. */
    public static final String ASSUMED_WHEN_ABSENT = "2025-03-26";

    private ProtocolVersions() {
    }

    public static boolean isSupported(String version) {
        return version != null && SUPPORTED.contains(version);
    }

    /** The version to answer an initialize with: the client's when we speak it, else our latest. */
    public static String negotiate(String requested) {
        return isSupported(requested) ? requested : LATEST;
    }

    /** SSE priming events (empty data with an id) were introduced in 2025-11-25; older clients may choke on them. */
    public static boolean supportsPrimingEvents(String version) {
        return LATEST.equals(version);
    }
}
