package dev.lakehouse.emulator.sql;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Unity Catalog catalog names versus DuckDB database names. DuckDB reserves {@code main},
 * {@code memory}, {@code system} and {@code temp} as database names, so those catalogs live in a
 * database with a {@code _uc} suffix; SQL is rewritten and error messages mapped back.
 */
public final class CatalogNames {

    private static final Set<String> RESERVED = Set.of("main", "memory", "system", "temp");
    private static final String SUFFIX = "_uc";

    private final Map<String, String> ucToDuck = new ConcurrentHashMap<>();
    private final Map<String, String> duckToUc = new ConcurrentHashMap<>();

    /** Registers a catalog and returns its DuckDB database name. */
    public String register(String ucName) {
        String uc = ucName.toLowerCase(Locale.ROOT);
        String duck = RESERVED.contains(uc) ? uc + SUFFIX : uc;
        ucToDuck.put(uc, duck);
        duckToUc.put(duck, uc);
        return duck;
    }

    /** DuckDB name of a catalog; unknown names pass through unchanged (DuckDB reports them missing). */
    public String toDuck(String ucName) {
        return ucToDuck.getOrDefault(ucName.toLowerCase(Locale.ROOT), ucName);
    }

    /** Unity Catalog name of an attached DuckDB database, or null if it is not a catalog. */
    public String toUc(String duckName) {
        return duckToUc.get(duckName);
    }

    /** True when the UC name must be renamed in SQL text. */
    public boolean isRenamed(String ucName) {
        String duck = ucToDuck.get(ucName.toLowerCase(Locale.ROOT));
        return duck != null && !duck.equalsIgnoreCase(ucName);
    }

    /** Replaces DuckDB names in an error message with the catalog names the user wrote. */
    public String unmapMessage(String message) {
        String out = message;
        for (Map.Entry<String, String> e : duckToUc.entrySet()) {
            if (!e.getKey().equals(e.getValue())) {
                out = out.replace(e.getKey(), e.getValue());
            }
        }
        return out;
    }
}
