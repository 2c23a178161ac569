package dev.lakehouse.emulator.files;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.Router;

/**
 * The read side of the DBFS API ({@code /api/2.0/dbfs/list}, {@code get-status}, {@code read}): JSON over
 * query parameters, file bytes base64-encoded, reads capped at 1 MB as on the real service.
 */
final class DbfsEndpoints {

    private final FileTree tree;
    private final FilesSettings settings;

    DbfsEndpoints(FileTree tree, FilesSettings settings) {
        this.tree = tree;
        this.settings = settings;
    }

    void register(Router router) {
        router.add("GET", "/api/2.0/dbfs/list", this::list);
        router.add("GET", "/api/2.0/dbfs/get-status", this::getStatus);
        router.add("GET", "/api/2.0/dbfs/read", this::read);
    }

    /** The children of a directory, or the file itself when the path is a file (as the real service lists). */
    private Object list(ApiRequest request) {
        FileEntry entry = existing(request);
        List<FileEntry> listed = entry.directory() ? tree.children(entry.path()) : List.of(entry);
        ObjectNode body = Json.obj();
        ArrayNode files = body.putArray("files");
        listed.forEach(child -> files.add(fileInfo(child)));
        return body;
    }

    private Object getStatus(ApiRequest request) {
        return fileInfo(existing(request));
    }

    private Object read(ApiRequest request) {
        String path = path(request);
        Long offset = request.queryLong("offset");
        Long length = request.queryLong("length");
        long start = offset == null ? 0 : offset;
        long wanted = length == null ? settings.getDbfsDefaultReadLength() : length;
        if (start < 0) {
            throw ApiException.invalidParameter("Offset must be non-negative, got " + start + ".");
        }
        if (wanted < 0) {
            throw ApiException.invalidParameter("Length must be non-negative, got " + wanted + ".");
        }
        if (wanted > settings.getDbfsMaxReadLength()) {
            throw new ApiException(400, "MAX_READ_SIZE_EXCEEDED", "Cannot read more than "
                    + settings.getDbfsMaxReadLength() + " bytes at a time, got length " + wanted + ".");
        }
        FileEntry entry = existing(path);
        if (entry.directory()) {
            throw ApiException.invalidParameter("Cannot read the directory " + path + "; read takes a file path.");
        }
        byte[] content = entry.content();
        // reading at or past the end is not an error: nothing is read
        int from = (int) Math.min(start, content.length);
        int to = (int) Math.min(content.length, from + wanted);
        ObjectNode body = Json.obj();
        body.put("bytes_read", to - from);
        body.put("data", Base64.getEncoder().encodeToString(Arrays.copyOfRange(content, from, to)));
        return body;
    }

    private static ObjectNode fileInfo(FileEntry entry) {
        ObjectNode node = Json.obj();
        node.put("path", entry.path());
        node.put("is_dir", entry.directory());
        node.put("file_size", entry.size());
        node.put("modification_time", entry.modifiedMillis());
        return node;
    }

    private FileEntry existing(ApiRequest request) {
        return existing(path(request));
    }

    private FileEntry existing(String path) {
        FileEntry entry = tree.get(path);
        if (entry == null) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "No file or directory exists on path " + path + ".");
        }
        return entry;
    }

    /**
     * The absolute DBFS path of the {@code path} parameter ({@code dbfs:/x} and {@code /x} alike, no trailing
     * slash). Volumes are not DBFS: the real service refuses them with 403, and so does this.
     */
    static String path(ApiRequest request) {
        String raw = request.requireQuery("path");
        String path = raw.startsWith("dbfs:") ? raw.substring("dbfs:".length()) : raw;
        if (!path.startsWith("/")) {
            throw ApiException.invalidParameter("Path must be absolute: " + raw);
        }
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.length() > 1) {
            for (String segment : path.substring(1).split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    throw ApiException.invalidParameter("Invalid path " + raw
                            + ": empty, '.' and '..' segments are not allowed.");
                }
            }
        }
        if (path.equals("/Volumes") || path.startsWith("/Volumes/")) {
            throw new ApiException(403, "PERMISSION_DENIED", "No operations allowed on this path.");
        }
        return path;
    }
}
