package dev.lakehouse.emulator.lineage;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.WorkspaceServices;
import dev.lakehouse.emulator.catalog.UnityCatalogService;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.Router;
import dev.lakehouse.emulator.lineage.LineageGraph.ColumnEdge;
import dev.lakehouse.emulator.lineage.LineageGraph.Table;
import dev.lakehouse.emulator.lineage.LineageGraph.TableEdge;

/**
 * Table and column lineage (/api/2.0/lineage-tracking). The SDK has no client for it, so the shapes
 * follow the REST docs and real responses: snake_case fields, except the camelCase entry keys
 * {@code tableInfo}, {@code notebookInfos}, {@code jobInfos} inside {@code upstreams} / {@code downstreams}.
 */
public final class LineageEndpoints {

    private final LineageGraph graph;
    private final UnityCatalogService catalog;
    private final JsonNode workspaceId;

    public LineageEndpoints(WorkspaceServices workspace) {
        this.graph = SeededLineage.build(workspace.settings().name());
        this.catalog = workspace.unityCatalog();
        this.workspaceId = numberOrText(workspace.settings().workspaceId());
    }

    public void register(Router router) {
        router.add("GET", "/api/2.0/lineage-tracking/table-lineage", this::tableLineage);
        router.add("GET", "/api/2.0/lineage-tracking/column-lineage", this::columnLineage);
    }

    private Object tableLineage(ApiRequest request) {
        String table = requireKnownTable(field(request, "table_name"));
        boolean entities = "true".equalsIgnoreCase(optional(request, "include_entity_lineage"));
        ObjectNode body = Json.obj();
        ArrayNode upstreams = body.putArray("upstreams");
        for (TableEdge edge : graph.upstreamsOf(table)) {
            upstreams.add(entry(edge.upstream(), edge, entities));
        }
        ArrayNode downstreams = body.putArray("downstreams");
        for (TableEdge edge : graph.downstreamsOf(table)) {
            // a read without a target table is only visible as the entity that read
            if (edge.downstream() != null || entities) {
                downstreams.add(entry(edge.downstream(), edge, entities));
            }
        }
        return body;
    }

    private Object columnLineage(ApiRequest request) {
        String table = requireKnownTable(field(request, "table_name"));
        String column = field(request, "column_name");
        ObjectNode body = Json.obj();
        ArrayNode upstream = body.putArray("upstream_cols");
        for (ColumnEdge edge : graph.upstreamColumnsOf(table, column)) {
            upstream.add(column(edge.upstream(), edge.upstreamColumn(), edge.timestamp()));
        }
        ArrayNode downstream = body.putArray("downstream_cols");
        for (ColumnEdge edge : graph.downstreamColumnsOf(table, column)) {
            downstream.add(column(edge.downstream(), edge.downstreamColumn(), edge.timestamp()));
        }
        return body;
    }

    /**
     * A table lineage knows (also nominal ones) or the catalog holds; anything else is the catalog's 404
     * (CATALOG_/SCHEMA_/TABLE_DOES_NOT_EXIST) or its 400 for a name that is not catalog.schema.table.
     */
    private String requireKnownTable(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (!graph.tables().contains(lower)) {
            catalog.table(name);
        }
        return lower;
    }

    private ObjectNode entry(Table table, TableEdge edge, boolean entities) {
        ObjectNode entry = Json.obj();
        if (table != null) {
            ObjectNode info = entry.putObject("tableInfo");
            info.put("name", table.name());
            info.put("catalog_name", table.catalog());
            info.put("schema_name", table.schema());
            info.put("table_type", table.type().name());
            info.put("lineage_timestamp", edge.timestamp());
        }
        if (entities) {
            entityInfos(entry, "notebookInfos", "notebook_id", edge.notebookIds(), edge.timestamp());
            entityInfos(entry, "jobInfos", "job_id", edge.jobIds(), edge.timestamp());
        }
        return entry;
    }

    private void entityInfos(ObjectNode entry, String field, String idField, List<Long> ids, String timestamp) {
        if (ids.isEmpty()) {
            return;
        }
        ArrayNode infos = entry.putArray(field);
        for (long id : ids) {
            ObjectNode info = infos.addObject();
            info.set("workspace_id", workspaceId);
            info.put(idField, id);
            info.put("lineage_timestamp", timestamp);
        }
    }

    private static ObjectNode column(Table table, String column, String timestamp) {
        ObjectNode node = Json.obj();
        node.put("name", column);
        node.put("catalog_name", table.catalog());
        node.put("schema_name", table.schema());
        node.put("table_name", table.name());
        node.put("table_type", table.type().name());
        node.put("lineage_timestamp", timestamp);
        return node;
    }

    /** The docs send these as query parameters; older clients put them in a GET body, so both are read. */
    private static String field(ApiRequest request, String name) {
        String value = optional(request, name);
        if (value == null || value.isEmpty()) {
            throw ApiException.invalidParameter("Missing required field: " + name);
        }
        return value;
    }

    private static String optional(ApiRequest request, String name) {
        String value = request.query(name);
        return value != null ? value : request.bodyString(name);
    }

    private static JsonNode numberOrText(String id) {
        try {
            return Json.MAPPER.getNodeFactory().numberNode(Long.parseLong(id));
        } catch (NumberFormatException e) {
            return Json.MAPPER.getNodeFactory().textNode(id);
        }
    }
}
