package dev.lakehouse.emulator.sql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBFunctions;

/**
 * One workspace's in-memory DuckDB database. Every Unity Catalog catalog is an attached in-memory
 * database, so {@code catalog.schema.table} is real SQL. Each statement runs on its own duplicated
 * connection (DuckDB connections are cheap and may run concurrently against one database).
 */
public final class DuckDbEngine implements AutoCloseable {

    private final DuckDBConnection root;
    private final CatalogNames names = new CatalogNames();
    private final SqlTranslator translator = new SqlTranslator(names);
    private final List<String> catalogs = new ArrayList<>();

    public DuckDbEngine(Duration maxSleep) {
        try {
            Class.forName("org.duckdb.DuckDBDriver");
            this.root = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
            DuckDBFunctions.scalarFunction()
                    .withName("sleep")
                    .withParameter(Double.class)
                    .withReturnType(Double.class)
                    .withFunction((Double seconds) -> SleepFunction.sleep(seconds, maxSleep))
                    .withVolatile()
                    .register(root);
        } catch (SQLException | ClassNotFoundException e) {
            throw new IllegalStateException("Cannot start DuckDB", e);
        }
    }

    public CatalogNames names() {
        return names;
    }

    public SqlTranslator translator() {
        return translator;
    }

    /** Attaches a fresh in-memory database for a catalog; returns its DuckDB name. */
    public synchronized String createCatalog(String ucName) throws SQLException {
        String duck = names.register(ucName);
        execute("ATTACH ':memory:' AS " + quote(duck));
        catalogs.add(ucName);
        return duck;
    }

    public synchronized List<String> catalogs() {
        return List.copyOf(catalogs);
    }

    /** Runs DDL/DML on a short-lived connection (seeding, metadata). */
    public void execute(String sql) throws SQLException {
        try (Connection c = root.duplicate(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Runs a metadata query and maps each row. */
    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
        try (Connection c = root.duplicate(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
            }
            return rows;
        }
    }

    /** Maps one JDBC row. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /**
     * A connection whose current catalog/schema follow the request (Databricks' {@code catalog} and
     * {@code schema} fields); the default is {@code main.default}.
     */
    public Connection openSession(String catalog, String schema) throws SQLException {
        DuckDBConnection session = root.duplicate();
        try {
            String ucCatalog = catalog == null || catalog.isEmpty() ? "main" : catalog;
            String duckCatalog = names.toDuck(ucCatalog);
            String target;
            if (schema != null && !schema.isEmpty()) {
                target = quote(duckCatalog) + "." + quote(schema);
            } else if (hasSchema(duckCatalog, "default")) {
                target = quote(duckCatalog) + ".\"default\"";
            } else {
                target = quote(duckCatalog);
            }
            try (Statement s = session.createStatement()) {
                s.execute("USE " + target);
            }
            return session;
        } catch (SQLException e) {
            session.close();
            throw e;
        }
    }

    private boolean hasSchema(String duckCatalog, String schema) throws SQLException {
        return !query("SELECT 1 FROM duckdb_schemas() WHERE database_name = ? AND schema_name = ?",
                rs -> 1, duckCatalog, schema).isEmpty();
    }

    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    @Override
    public void close() {
        try {
            root.close();
        } catch (SQLException ignored) {
            // closing an in-memory database cannot lose anything
        }
    }
}
