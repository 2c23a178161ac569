package dev.lakehouse.emulator.files;

import java.util.Locale;

import dev.lakehouse.emulator.catalog.UnityCatalogService;
import dev.lakehouse.emulator.http.ApiException;

/**
 * A checked Files API path {@code /Volumes/<catalog>/<schema>/<volume>[/...]}: absolute, inside a volume that
 * Unity Catalog knows, without empty, {@code .} or {@code ..} segments. Catalog, schema and volume names are
 * case-insensitive in Unity Catalog, so they are lower-cased here (the seeded names are lower case).
 */
final class VolumePath {

    private static final String SHAPE = "/Volumes/<catalog>/<schema>/<volume>/<path>";

    private VolumePath() { }

    /**
     * The canonical path; 400 for a malformed one, 404 {@code NOT_FOUND} with {@code missingMessage} when the
     * volume does not exist.
     */
    static String resolve(String rawPath, UnityCatalogService unityCatalog, String missingMessage) {
        String path = rawPath.startsWith("/") ? rawPath : "/" + rawPath;
        String[] segments = path.substring(1).split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw ApiException.invalidParameter("Invalid path '" + path + "': paths must be absolute " + SHAPE
                        + " paths without empty, '.' or '..' segments.");
            }
        }
        if (!segments[0].equals("Volumes") || segments.length < 4) {
            throw ApiException.invalidParameter("Invalid path '" + path + "': the Files API serves Unity Catalog"
                    + " volume paths of the form " + SHAPE + ".");
        }
        String catalog = segments[1].toLowerCase(Locale.ROOT);
        String schema = segments[2].toLowerCase(Locale.ROOT);
        String volume = segments[3].toLowerCase(Locale.ROOT);
        try {
            unityCatalog.volume(catalog + "." + schema + "." + volume);
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw ApiException.notFound("NOT_FOUND", missingMessage);
            }
            throw e;
        }
        StringBuilder canonical = new StringBuilder("/Volumes/").append(catalog).append('/').append(schema)
                .append('/').append(volume);
        for (int i = 4; i < segments.length; i++) {
            canonical.append('/').append(segments[i]);
        }
        return canonical.toString();
    }

    /** True for {@code /Volumes/<catalog>/<schema>/<volume>} itself. */
    static boolean isVolumeRoot(String canonicalPath) {
        return canonicalPath.chars().filter(c -> c == '/').count() == 4;
    }
}
