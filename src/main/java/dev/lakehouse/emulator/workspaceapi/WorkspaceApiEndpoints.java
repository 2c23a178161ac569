package dev.lakehouse.emulator.workspaceapi;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.WorkspaceServices;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.ApiResponse;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.Router;
import dev.lakehouse.emulator.workspaceapi.WorkspaceObject.ObjectType;

/** Workspace objects: list, get-status, export (/api/2.0/workspace), over the seeded {@link WorkspaceTree}. */
public final class WorkspaceApiEndpoints {

    /** The SDK's ExportFormat values; the emulator exports SOURCE (and AUTO / RAW where they mean the same bytes). */
    private static final List<String> EXPORT_FORMATS = List.of("AUTO", "DBC", "HTML", "JUPYTER", "RAW", "R_MARKDOWN", "SOURCE");

    private final WorkspaceTree tree;
    private final WorkspaceApiSettings settings;

    public WorkspaceApiEndpoints(WorkspaceServices workspace) {
        this.tree = new WorkspaceTree(workspace.settings().name(), workspace.settings().userName());
        this.settings = workspace.properties().getWorkspace();
    }

    public void register(Router router) {
        router.add("GET", "/api/2.0/workspace/list", this::list);
        router.add("GET", "/api/2.0/workspace/get-status", r -> tree.get(r.requireQuery("path")).toJson());
        router.add("GET", "/api/2.0/workspace/export", this::export);
    }

    private Object list(ApiRequest request) {
        List<WorkspaceObject> objects = tree.list(request.requireQuery("path"));
        Long modifiedAfter = request.queryLong("notebooks_modified_after");
        ObjectNode body = Json.obj();
        ArrayNode list = Json.arr();
        for (WorkspaceObject object : objects) {
            boolean filteredOut = modifiedAfter != null && object.type() == ObjectType.NOTEBOOK
                    && object.modifiedAt() <= modifiedAfter;
            if (!filteredOut) {
                list.add(object.toJson());
            }
        }
        // the real service answers an empty folder with {} rather than an empty array
        if (!list.isEmpty()) {
            body.set("objects", list);
        }
        return body;
    }

    private Object export(ApiRequest request) {
        WorkspaceObject object = tree.get(request.requireQuery("path"));
        String format = exportFormat(request.query("format"));
        byte[] content = exportedBytes(object, format);
        if (content.length > settings.getMaxExportBytes()) {
            throw tooLarge(object, content.length);
        }
        if (request.queryBool("direct_download")) {
            // The seeded content is UTF-8 text, so the text response carries exactly its bytes.
            return ApiResponse.html(200, new String(content, StandardCharsets.UTF_8))
                    .header("Content-Type", "application/octet-stream");
        }
        ObjectNode body = Json.obj();
        body.put("content", Base64.getEncoder().encodeToString(content));
        Json.putOpt(body, "file_type", fileType(object));
        return body;
    }

    private static String exportFormat(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "SOURCE";
        }
        // the value is case sensitive in the real API
        if (!EXPORT_FORMATS.contains(raw)) {
            throw ApiException.invalidParameter("Invalid value for format: '" + raw + "'; expected one of "
                    + String.join(", ", EXPORT_FORMATS));
        }
        return raw;
    }

    private static byte[] exportedBytes(WorkspaceObject object, String format) {
        switch (object.type()) {
            case DIRECTORY:
                if (format.equals("SOURCE")) {
                    throw ApiException.invalidParameter("Path (" + object.path() + ") is a directory: "
                            + "a directory can be exported only in DBC format");
                }
                throw notEmulated(format, object);
            case NOTEBOOK:
                if (format.equals("SOURCE") || format.equals("AUTO")) {
                    return object.content();
                }
                throw notEmulated(format, object);
            case FILE:
                if (format.equals("SOURCE") || format.equals("AUTO") || format.equals("RAW")) {
                    return object.content();
                }
                throw notEmulated(format, object);
            default:
                throw ApiException.invalidParameter("Path (" + object.path() + ") is not an exportable asset. type="
                        + object.type().name().toLowerCase(Locale.ROOT));
        }
    }

    private static ApiException notEmulated(String format, WorkspaceObject object) {
        return ApiException.invalidParameter("Export format " + format + " of a " + object.type().name().toLowerCase(Locale.ROOT)
                + " is not supported by the emulator (it exports notebooks and files as SOURCE)");
    }

    /** The real limit errors: MAX_NOTEBOOK_SIZE_EXCEEDED for notebooks, BAD_REQUEST with this text for files. */
    private ApiException tooLarge(WorkspaceObject object, int size) {
        long max = settings.getMaxExportBytes();
        if (object.type() == ObjectType.NOTEBOOK) {
            return new ApiException(400, "MAX_NOTEBOOK_SIZE_EXCEEDED", "Notebook size exceeded limit: " + size + " > " + max);
        }
        return new ApiException(400, "BAD_REQUEST",
                "File size imported is (" + size + " bytes), exceeded max size (" + max + " bytes)");
    }

    /** Notebooks: the extension of their language's source file; files: their own extension, if any. */
    private static String fileType(WorkspaceObject object) {
        if (object.type() == ObjectType.NOTEBOOK) {
            return object.language().sourceExtension();
        }
        String name = object.name();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : null;
    }
}
