package dev.lakehouse.emulator.catalog;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.WorkspaceSettings;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.sql.DuckDbEngine;
import dev.lakehouse.emulator.sql.DuckTypeMapper;
import dev.lakehouse.emulator.sql.SampleDataSeeder;
import dev.lakehouse.emulator.sql.SqlType;

/**
 * Unity Catalog metadata read live from DuckDB's catalog functions, so tables created through the
 * Statement API show up at once. Names compare case-insensitively; DuckDB's internal schemas are
 * hidden. Volumes have no DuckDB counterpart and come from a small seeded registry.
 */
public final class UnityCatalogService {

    /** A seeded volume. */
    record Volume(String catalog, String schema, String name, String type, String comment) { }

    private final DuckDbEngine engine;
    private final String owner;
    private final String metastoreId;
    private final String storageRoot;
    private final long createdAt = System.currentTimeMillis();
    private final List<Volume> volumes;

    public UnityCatalogService(WorkspaceSettings settings, DuckDbEngine engine) {
        this.engine = engine;
        this.owner = settings.userName();
        this.metastoreId = uuid("metastore/" + settings.name());
        this.storageRoot = "s3://emulator-" + settings.name() + "-metastore/" + metastoreId;
        this.volumes = List.of(
                new Volume("main", "default", "landing", "MANAGED", "Raw files dropped by upstream systems"),
                new Volume("main", "default", "exports", "EXTERNAL", "Files exported for partners"));
    }

    // ---- catalogs ------------------------------------------------------------------------------

    public List<ObjectNode> catalogs() {
        List<ObjectNode> list = new ArrayList<>();
        for (String name : engine.catalogs()) {
            list.add(catalogJson(name));
        }
        list.sort((a, b) -> a.get("name").asText().compareTo(b.get("name").asText()));
        return list;
    }

    public ObjectNode catalog(String name) {
        return catalogJson(requireCatalog(name));
    }

    private ObjectNode catalogJson(String name) {
        ObjectNode node = Json.obj();
        node.put("name", name);
        node.put("full_name", name);
        node.put("owner", ownerOf(name));
        node.put("comment", name.equals("samples") ? "Databricks sample datasets (emulated)" : "Main catalog");
        node.put("catalog_type", name.equals("samples") ? "DELTASHARING_CATALOG" : "MANAGED_CATALOG");
        if (name.equals("samples")) {
            node.put("provider_name", "databricks");
            node.put("share_name", "samples");
        } else {
            node.put("storage_root", storageRoot + "/" + name);
            node.put("storage_location", storageRoot + "/" + name);
        }
        node.put("isolation_mode", "OPEN");
        node.put("securable_type", "CATALOG");
        node.put("metastore_id", metastoreId);
        node.putObject("properties");
        audit(node);
        return node;
    }

    String requireCatalog(String name) {
        if (name == null || name.isEmpty()) {
            throw ApiException.invalidParameter("Missing required field: catalog_name");
        }
        for (String catalog : engine.catalogs()) {
            if (catalog.equalsIgnoreCase(name)) {
                return catalog;
            }
        }
        throw ApiException.notFound("CATALOG_DOES_NOT_EXIST", "Catalog '" + name + "' does not exist.");
    }

    // ---- schemas -------------------------------------------------------------------------------

    public List<ObjectNode> schemas(String catalogName) {
        String catalog = requireCatalog(catalogName);
        List<ObjectNode> list = new ArrayList<>();
        for (String[] schema : schemaRows(catalog)) {
            list.add(schemaJson(catalog, schema[0], schema[1]));
        }
        return list;
    }

    public ObjectNode schema(String fullName) {
        String[] parts = split(fullName, 2, "schema");
        String catalog = requireCatalog(parts[0]);
        for (String[] schema : schemaRows(catalog)) {
            if (schema[0].equalsIgnoreCase(parts[1])) {
                return schemaJson(catalog, schema[0], schema[1]);
            }
        }
        throw ApiException.notFound("SCHEMA_DOES_NOT_EXIST", "Schema '" + fullName + "' does not exist.");
    }

    String requireSchema(String catalog, String schemaName) {
        if (schemaName == null || schemaName.isEmpty()) {
            throw ApiException.invalidParameter("Missing required field: schema_name");
        }
        for (String[] schema : schemaRows(catalog)) {
            if (schema[0].equalsIgnoreCase(schemaName)) {
                return schema[0];
            }
        }
        throw ApiException.notFound("SCHEMA_DOES_NOT_EXIST", "Schema '" + catalog + "." + schemaName + "' does not exist.");
    }

    /** {name, comment} of the visible schemas: not DuckDB internals, not an empty {@code main}. */
    private List<String[]> schemaRows(String catalog) {
        String duck = engine.names().toDuck(catalog);
        return sql("SELECT s.schema_name, s.comment FROM duckdb_schemas() s WHERE s.database_name = ? "
                + "AND s.schema_name NOT IN ('information_schema', 'pg_catalog') "
                + "AND (s.schema_name <> 'main' OR EXISTS (SELECT 1 FROM duckdb_tables() t WHERE t.database_name = ? "
                + "AND t.schema_name = 'main') OR EXISTS (SELECT 1 FROM duckdb_views() v WHERE v.database_name = ? "
                + "AND v.schema_name = 'main' AND NOT v.internal)) ORDER BY s.schema_name",
                rs -> new String[] {rs.getString(1), rs.getString(2)}, duck, duck, duck);
    }

    private ObjectNode schemaJson(String catalog, String schema, String comment) {
        ObjectNode node = Json.obj();
        node.put("name", schema);
        node.put("catalog_name", catalog);
        node.put("full_name", catalog + "." + schema);
        node.put("catalog_type", catalog.equals("samples") ? "DELTASHARING_CATALOG" : "MANAGED_CATALOG");
        node.put("owner", ownerOf(catalog));
        Json.putOpt(node, "comment", comment);
        node.putObject("properties");
        node.put("metastore_id", metastoreId);
        node.put("schema_id", uuid("schema/" + catalog + "." + schema));
        if (!catalog.equals("samples")) {
            node.put("storage_root", storageRoot + "/" + catalog + "/" + schema);
        }
        audit(node);
        return node;
    }

    // ---- tables --------------------------------------------------------------------------------

    /** A table or view row from DuckDB. */
    private record TableRow(String name, String comment, boolean view, String definition) { }

    public List<ObjectNode> tables(String catalogName, String schemaName, boolean omitColumns, boolean omitProperties) {
        String catalog = requireCatalog(catalogName);
        String schema = requireSchema(catalog, schemaName);
        Map<String, List<ObjectNode>> columns = omitColumns ? Map.of() : columns(catalog, schema, null);
        List<ObjectNode> list = new ArrayList<>();
        for (TableRow row : tableRows(catalog, schema, null)) {
            list.add(tableJson(catalog, schema, row, omitColumns ? null : columns.getOrDefault(row.name, List.of()),
                    omitProperties));
        }
        return list;
    }

    public ObjectNode table(String fullName) {
        String[] parts = split(fullName, 3, "table");
        String catalog = requireCatalog(parts[0]);
        String schema = requireSchema(catalog, parts[1]);
        List<TableRow> rows = tableRows(catalog, schema, parts[2]);
        if (rows.isEmpty()) {
            throw ApiException.notFound("TABLE_DOES_NOT_EXIST", "Table '" + fullName + "' does not exist.");
        }
        TableRow row = rows.get(0);
        return tableJson(catalog, schema, row, columns(catalog, schema, row.name).getOrDefault(row.name, List.of()), false);
    }

    public boolean tableExists(String fullName) {
        try {
            table(fullName);
            return true;
        } catch (ApiException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** Table summaries of a catalog, filtered by SQL LIKE patterns on schema and table names. */
    public List<ObjectNode> summaries(String catalogName, String schemaPattern, String tablePattern) {
        String catalog = requireCatalog(catalogName);
        Pattern schemaRegex = like(schemaPattern);
        Pattern tableRegex = like(tablePattern);
        List<ObjectNode> list = new ArrayList<>();
        for (String[] schema : schemaRows(catalog)) {
            if (!schemaRegex.matcher(schema[0]).matches()) {
                continue;
            }
            for (TableRow row : tableRows(catalog, schema[0], null)) {
                if (tableRegex.matcher(row.name).matches()) {
                    ObjectNode node = Json.obj();
                    node.put("full_name", catalog + "." + schema[0] + "." + row.name);
                    node.put("table_type", row.view ? "VIEW" : "MANAGED");
                    list.add(node);
                }
            }
        }
        return list;
    }

    private List<TableRow> tableRows(String catalog, String schema, String onlyName) {
        String duck = engine.names().toDuck(catalog);
        String nameFilter = onlyName == null ? "" : " AND lower(name) = lower(?)";
        List<Object> args = new ArrayList<>(List.of(duck, schema));
        if (onlyName != null) {
            args.add(onlyName);
        }
        args.add(duck);
        args.add(schema);
        if (onlyName != null) {
            args.add(onlyName);
        }
        return sql("SELECT * FROM (SELECT table_name AS name, comment, false AS is_view, NULL AS definition "
                + "FROM duckdb_tables() WHERE database_name = ? AND schema_name = ?) t WHERE true" + nameFilter
                + " UNION ALL SELECT * FROM (SELECT view_name AS name, comment, true AS is_view, sql AS definition "
                + "FROM duckdb_views() WHERE database_name = ? AND schema_name = ? AND NOT internal) v WHERE true" + nameFilter
                + " ORDER BY name",
                rs -> new TableRow(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4)), args.toArray());
    }

    private Map<String, List<ObjectNode>> columns(String catalog, String schema, String table) {
        String duck = engine.names().toDuck(catalog);
        Map<String, List<ObjectNode>> byTable = new LinkedHashMap<>();
        String filter = table == null ? "" : " AND table_name = ?";
        Object[] args = table == null ? new Object[] {duck, schema} : new Object[] {duck, schema, table};
        sql("SELECT table_name, column_name, column_index, data_type, is_nullable, comment FROM duckdb_columns() "
                + "WHERE database_name = ? AND schema_name = ?" + filter + " ORDER BY table_name, column_index", rs -> {
                    String name = rs.getString(2);
                    SqlType type = DuckTypeMapper.map(rs.getString(4));
                    boolean nullable = rs.getBoolean(5);
                    String comment = rs.getString(6);
                    ObjectNode column = Json.obj();
                    column.put("name", name);
                    column.put("type_text", type.lowerText());
                    column.put("type_name", type.typeName());
                    column.put("type_json", SqlType.structField(name, type, nullable, comment).toString());
                    column.put("position", rs.getInt(3) - 1);
                    column.put("nullable", nullable);
                    if (type.precision() != null) {
                        column.put("type_precision", type.precision());
                        column.put("type_scale", type.scale());
                    }
                    Json.putOpt(column, "comment", comment);
                    byTable.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(column);
                    return column;
                }, args);
        return byTable;
    }

    private ObjectNode tableJson(String catalog, String schema, TableRow row, List<ObjectNode> columns,
                                 boolean omitProperties) {
        ObjectNode node = Json.obj();
        String fullName = catalog + "." + schema + "." + row.name;
        node.put("name", row.name);
        node.put("catalog_name", catalog);
        node.put("schema_name", schema);
        node.put("full_name", fullName);
        node.put("table_type", row.view ? "VIEW" : "MANAGED");
        if (!row.view) {
            node.put("data_source_format", "DELTA");
            node.put("storage_location", storageRoot + "/tables/" + uuid("table/" + fullName));
        } else {
            Json.putOpt(node, "view_definition", viewBody(row.definition));
        }
        if (columns != null) {
            ArrayNode list = node.putArray("columns");
            columns.forEach(list::add);
        }
        Json.putOpt(node, "comment", row.comment);
        node.put("owner", ownerOf(catalog));
        if (!omitProperties) {
            ObjectNode properties = node.putObject("properties");
            if (!row.view) {
                properties.put("delta.minReaderVersion", "1");
                properties.put("delta.minWriterVersion", "2");
            }
        }
        node.put("table_id", uuid("table/" + fullName));
        node.put("metastore_id", metastoreId);
        node.put("browse_only", false);
        audit(node);
        return node;
    }

    /** DuckDB stores {@code CREATE VIEW x AS SELECT ...}; UC shows only the query. */
    private static String viewBody(String sql) {
        if (sql == null) {
            return null;
        }
        int as = sql.toUpperCase(Locale.ROOT).indexOf(" AS ");
        String body = as < 0 ? sql : sql.substring(as + 4);
        return body.endsWith(";") ? body.substring(0, body.length() - 1) : body;
    }

    // ---- functions -----------------------------------------------------------------------------

    public List<ObjectNode> functions(String catalogName, String schemaName) {
        String catalog = requireCatalog(catalogName);
        String schema = requireSchema(catalog, schemaName);
        return functionRows(catalog, schema, null);
    }

    public ObjectNode function(String fullName) {
        String[] parts = split(fullName, 3, "function");
        String catalog = requireCatalog(parts[0]);
        String schema = requireSchema(catalog, parts[1]);
        List<ObjectNode> found = functionRows(catalog, schema, parts[2]);
        if (found.isEmpty()) {
            throw ApiException.notFound("FUNCTION_DOES_NOT_EXIST", "Routine or Model '" + fullName + "' does not exist.");
        }
        return found.get(0);
    }

    private List<ObjectNode> functionRows(String catalog, String schema, String onlyName) {
        String duck = engine.names().toDuck(catalog);
        String filter = onlyName == null ? "" : " AND lower(function_name) = lower(?)";
        Object[] args = onlyName == null ? new Object[] {duck, schema} : new Object[] {duck, schema, onlyName};
        return sql("SELECT DISTINCT ON (function_name) function_name, function_type, parameters, macro_definition, comment "
                + "FROM duckdb_functions() WHERE database_name = ? AND schema_name = ? AND NOT internal "
                + "AND function_type IN ('macro', 'table_macro')" + filter + " ORDER BY function_name", rs -> {
                    String name = rs.getString(1);
                    String fullName = catalog + "." + schema + "." + name;
                    ObjectNode node = Json.obj();
                    node.put("name", name);
                    node.put("catalog_name", catalog);
                    node.put("schema_name", schema);
                    node.put("full_name", fullName);
                    node.put("function_id", uuid("function/" + fullName));
                    node.put("owner", ownerOf(catalog));
                    Json.putOpt(node, "comment", rs.getString(5));
                    SampleDataSeeder.SeededFunction typed = seededFunction(catalog, schema, name);
                    if (typed != null) {
                        putSignature(node, typed);
                    } else {
                        putUntypedSignature(node, "table_macro".equals(rs.getString(2)), rs.getArray(3));
                    }
                    node.put("routine_body", "SQL");
                    Json.putOpt(node, "routine_definition", typed != null ? typed.body() : rs.getString(4));
                    node.put("parameter_style", "S");
                    node.put("is_deterministic", true);
                    node.put("is_null_call", false);
                    node.put("security_type", "DEFINER");
                    node.put("sql_data_access", typed != null && typed.isTableFunction() ? "READS_SQL_DATA" : "CONTAINS_SQL");
                    node.put("specific_name", name);
                    node.put("properties", "{}");
                    node.put("metastore_id", metastoreId);
                    audit(node);
                    return node;
                }, args);
    }

    private static SampleDataSeeder.SeededFunction seededFunction(String catalog, String schema, String name) {
        return SampleDataSeeder.FUNCTIONS.stream().filter(f -> f.catalog().equalsIgnoreCase(catalog)
                && f.schema().equalsIgnoreCase(schema) && f.name().equalsIgnoreCase(name)).findFirst().orElse(null);
    }

    /** Types of a seeded function: scalar ones return data_type, table functions TABLE_TYPE plus return_params columns. */
    private static void putSignature(ObjectNode node, SampleDataSeeder.SeededFunction function) {
        if (function.isTableFunction()) {
            node.put("data_type", "TABLE_TYPE");
            StringBuilder text = new StringBuilder("TABLE(");
            for (int i = 0; i < function.returnColumns().size(); i++) {
                SampleDataSeeder.FunctionParam column = function.returnColumns().get(i);
                text.append(i == 0 ? "" : ", ").append(column.name()).append(' ')
                        .append(DuckTypeMapper.map(column.type()).upperText());
            }
            node.put("full_data_type", text.append(')').toString());
        } else {
            SqlType type = DuckTypeMapper.map(function.returnType());
            node.put("data_type", type.typeName());
            node.put("full_data_type", type.upperText());
        }
        putParameters(node.putObject("input_params").putArray("parameters"), function.params(), "PARAM");
        if (function.isTableFunction()) {
            putParameters(node.putObject("return_params").putArray("parameters"), function.returnColumns(), "COLUMN");
        }
    }

    private static void putParameters(ArrayNode target, List<SampleDataSeeder.FunctionParam> params, String parameterType) {
        for (int i = 0; i < params.size(); i++) {
            SampleDataSeeder.FunctionParam param = params.get(i);
            SqlType type = DuckTypeMapper.map(param.type());
            ObjectNode p = target.addObject();
            p.put("name", param.name());
            p.put("type_text", type.lowerText());
            p.put("type_name", type.typeName());
            p.put("type_json", SqlType.structField(param.name(), type, true, param.comment()).toString());
            if (type.precision() != null) {
                p.put("type_precision", type.precision());
                p.put("type_scale", type.scale());
            }
            p.put("position", i);
            if ("PARAM".equals(parameterType)) {
                p.put("parameter_mode", "IN");
            }
            p.put("parameter_type", parameterType);
            Json.putOpt(p, "comment", param.comment());
        }
    }

    /** A macro created through SQL has no declared types: its parameters are reported as STRING. */
    private static void putUntypedSignature(ObjectNode node, boolean table, Array parameters) throws SQLException {
        node.put("data_type", table ? "TABLE_TYPE" : "STRING");
        node.put("full_data_type", table ? "TABLE" : "STRING");
        ArrayNode params = node.putObject("input_params").putArray("parameters");
        if (parameters != null) {
            Object[] names = (Object[]) parameters.getArray();
            for (int i = 0; i < names.length; i++) {
                ObjectNode p = params.addObject();
                p.put("name", String.valueOf(names[i]));
                p.put("position", i);
                p.put("type_text", "string");
                p.put("type_name", "STRING");
                p.put("type_json", SqlType.structField(String.valueOf(names[i]),
                        SqlType.simple("STRING", "string"), true, null).toString());
                p.put("parameter_mode", "IN");
                p.put("parameter_type", "PARAM");
            }
        }
    }

    // ---- volumes -------------------------------------------------------------------------------

    public List<ObjectNode> volumes(String catalogName, String schemaName) {
        String catalog = requireCatalog(catalogName);
        String schema = requireSchema(catalog, schemaName);
        return volumes.stream().filter(v -> v.catalog.equals(catalog) && v.schema.equalsIgnoreCase(schema))
                .map(this::volumeJson).toList();
    }

    public ObjectNode volume(String fullName) {
        String[] parts = split(fullName, 3, "volume");
        return volumes.stream().filter(v -> v.catalog.equalsIgnoreCase(parts[0]) && v.schema.equalsIgnoreCase(parts[1])
                        && v.name.equalsIgnoreCase(parts[2])).findFirst().map(this::volumeJson)
                .orElseThrow(() -> ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Volume '" + fullName + "' does not exist."));
    }

    private ObjectNode volumeJson(Volume v) {
        String fullName = v.catalog + "." + v.schema + "." + v.name;
        ObjectNode node = Json.obj();
        node.put("name", v.name);
        node.put("catalog_name", v.catalog);
        node.put("schema_name", v.schema);
        node.put("full_name", fullName);
        node.put("volume_id", uuid("volume/" + fullName));
        node.put("volume_type", v.type);
        node.put("storage_location", v.type.equals("MANAGED")
                ? storageRoot + "/volumes/" + uuid("volume/" + fullName) : "s3://emulator-external/" + v.name);
        node.put("owner", owner);
        node.put("comment", v.comment);
        node.put("metastore_id", metastoreId);
        audit(node);
        return node;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private String ownerOf(String catalog) {
        return catalog.equals("samples") ? "System user" : owner;
    }

    private void audit(ObjectNode node) {
        node.put("created_at", createdAt);
        node.put("created_by", owner);
        node.put("updated_at", createdAt);
        node.put("updated_by", owner);
    }

    private static String[] split(String fullName, int parts, String kind) {
        String[] split = fullName == null ? new String[0] : fullName.split("\\.", -1);
        if (split.length != parts) {
            throw ApiException.invalidParameter("Invalid " + kind + " name '" + fullName + "': expected "
                    + (parts == 2 ? "catalog.schema" : "catalog.schema." + kind));
        }
        return split;
    }

    private static Pattern like(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return Pattern.compile(".*", Pattern.DOTALL);
        }
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '%' -> regex.append(".*");
                case '_' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }

    private static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private <T> List<T> sql(String sql, DuckDbEngine.RowMapper<T> mapper, Object... args) {
        try {
            return engine.query(sql, mapper, args);
        } catch (SQLException e) {
            throw new IllegalStateException("catalog metadata query failed", e);
        }
    }
}
