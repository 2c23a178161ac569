package dev.lakehouse.emulator.files;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.catalog.UnityCatalogService;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.ApiResponse;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.PageToken;
import dev.lakehouse.emulator.http.Router;

/**
 * The Files API on Unity Catalog volumes: {@code /api/2.0/fs/files{path}} (raw bytes, ranges) and
 * {@code /api/2.0/fs/directories{path}} (JSON listings), the volume path appended as the SDK does. The service
 * keeps the two apart: a directory on the files endpoint, or a file on the directories endpoint, is simply not
 * found (404), which is how clients such as the Databricks CLI tell "not a file" from "no such path".
 */
final class VolumeFilesEndpoints {

    static final String FILE_NOT_FOUND = "The file being accessed is not found.";
    static final String DIRECTORY_NOT_FOUND = "The directory being accessed is not found.";
    private static final String OCTET_STREAM = "application/octet-stream";
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    private final FileTree tree;
    private final UnityCatalogService unityCatalog;
    private final FilesSettings settings;

    VolumeFilesEndpoints(FileTree tree, UnityCatalogService unityCatalog, FilesSettings settings) {
        this.tree = tree;
        this.unityCatalog = unityCatalog;
        this.settings = settings;
    }

    void register(Router router) {
        router.add("GET", "/api/2.0/fs/directories/{+path}", this::listDirectory);
        router.add("HEAD", "/api/2.0/fs/directories/{+path}", headOnly(this::directoryMetadata));
        router.add("PUT", "/api/2.0/fs/directories/{+path}", this::createDirectory);
        router.add("DELETE", "/api/2.0/fs/directories/{+path}", this::deleteDirectory);
        router.add("GET", "/api/2.0/fs/files/{+path}", this::download);
        router.add("HEAD", "/api/2.0/fs/files/{+path}", headOnly(this::fileMetadata));
        router.add("PUT", "/api/2.0/fs/files/{+path}", this::upload);
        router.add("DELETE", "/api/2.0/fs/files/{+path}", this::deleteFile);
    }

    // ---- directories ---------------------------------------------------------------------------

    private Object listDirectory(ApiRequest request) {
        FileEntry directory = directory(request);
        Long requested = request.queryLong("page_size");
        if (requested != null && requested < 0) {
            throw ApiException.invalidParameter("page_size must not be negative");
        }
        // absent or 0: the default page; above the maximum: coerced to it (documented behaviour of the service)
        int pageSize = requested == null || requested == 0 ? settings.getDirectoryPageSize()
                : (int) Math.min(requested, settings.getMaxDirectoryPageSize());
        pageSize = Math.max(1, Math.min(pageSize, settings.getMaxDirectoryPageSize()));
        List<FileEntry> children = tree.children(directory.path());
        int offset = Math.min(PageToken.decode(request.query("page_token")), children.size());
        int end = Math.min(children.size(), offset + pageSize);
        ObjectNode body = Json.obj();
        ArrayNode contents = body.putArray("contents");
        for (FileEntry child : children.subList(offset, end)) {
            contents.add(entryJson(child));
        }
        if (end < children.size()) {
            body.put("next_page_token", PageToken.encode(end));
        }
        return body;
    }

    private static ObjectNode entryJson(FileEntry entry) {
        ObjectNode node = Json.obj();
        // directories are listed with a trailing slash and without size or time
        node.put("path", entry.directory() ? entry.path() + "/" : entry.path());
        node.put("is_directory", entry.directory());
        if (!entry.directory()) {
            node.put("file_size", entry.size());
            node.put("last_modified", entry.modifiedMillis());
        }
        node.put("name", entry.name());
        return node;
    }

    private ApiResponse directoryMetadata(ApiRequest request) {
        directory(request);
        return ApiResponse.empty(200);
    }

    private ApiResponse createDirectory(ApiRequest request) {
        String path = VolumePath.resolve(path(request), unityCatalog, DIRECTORY_NOT_FOUND);
        if (!tree.mkdirs(path, System.currentTimeMillis())) {
            throw new ApiException(409, "ALREADY_EXISTS", "A file exists at or above the directory path " + path + ".");
        }
        return ApiResponse.empty(204);
    }

    private ApiResponse deleteDirectory(ApiRequest request) {
        FileEntry directory = directory(request);
        if (VolumePath.isVolumeRoot(directory.path())) {
            throw ApiException.invalidParameter("The root directory of a volume cannot be deleted: " + directory.path());
        }
        synchronized (tree) {
            if (!tree.children(directory.path()).isEmpty()) {
                return notEmpty(directory.path());
            }
            tree.remove(directory.path());
        }
        return ApiResponse.empty(204);
    }

    /** 400 with the ErrorInfo reason clients (the Databricks CLI) look for to tell this from other 400s. */
    private static ApiResponse notEmpty(String path) {
        ObjectNode body = Json.obj();
        body.put("error_code", "FAILED_PRECONDITION");
        body.put("message", "The directory " + path + " is not empty.");
        ObjectNode info = body.putArray("details").addObject();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", "FILES_API_DIRECTORY_IS_NOT_EMPTY");
        info.put("domain", "filesystem.databricks.com");
        return ApiResponse.json(400, body);
    }

    private FileEntry directory(ApiRequest request) {
        String path = VolumePath.resolve(path(request), unityCatalog, DIRECTORY_NOT_FOUND);
        FileEntry entry = tree.get(path);
        if (entry == null || !entry.directory()) {
            throw ApiException.notFound("NOT_FOUND", DIRECTORY_NOT_FOUND);
        }
        return entry;
    }

    // ---- files ---------------------------------------------------------------------------------

    private ApiResponse download(ApiRequest request) {
        FileEntry file = file(request);
        long size = file.size();
        ByteRange range;
        try {
            range = ByteRange.parse(request.header("Range"), size);
        } catch (ByteRange.Unsatisfiable e) {
            ApiException error = new ApiException(416, "INVALID_PARAMETER_VALUE",
                    "The requested range " + request.header("Range") + " is not satisfiable for a file of " + size
                            + " bytes.");
            return error.toResponse().header("Content-Range", "bytes */" + size);
        }
        ApiResponse response;
        if (range == null) {
            response = ApiResponse.bytes(200, file.content(), OCTET_STREAM);
        } else {
            byte[] part = Arrays.copyOfRange(file.content(), (int) range.first(), (int) range.last() + 1);
            response = ApiResponse.bytes(206, part, OCTET_STREAM)
                    .header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
        }
        return response.header("Accept-Ranges", "bytes").header("Last-Modified", httpDate(file.modifiedMillis()));
    }

    private ApiResponse fileMetadata(ApiRequest request) {
        FileEntry file = file(request);
        ApiResponse response = ApiResponse.empty(200);
        // HEAD: the JDK server writes no Content-Length of its own for HEAD, so the size is set here
        return response.header("Content-Type", OCTET_STREAM)
                .header("Content-Length", String.valueOf(file.size()))
                .header("Accept-Ranges", "bytes")
                .header("Last-Modified", httpDate(file.modifiedMillis()));
    }

    private ApiResponse upload(ApiRequest request) {
        String path = VolumePath.resolve(path(request), unityCatalog, FILE_NOT_FOUND);
        if (VolumePath.isVolumeRoot(path)) {
            throw new ApiException(409, "ALREADY_EXISTS", "A directory exists at the file path " + path + ".");
        }
        // "If true or unspecified, an existing file will be overwritten"
        boolean overwrite = request.query("overwrite") == null || request.queryBool("overwrite");
        synchronized (tree) {
            FileEntry existing = tree.get(path);
            if (existing != null && existing.directory()) {
                throw new ApiException(409, "ALREADY_EXISTS", "A directory exists at the file path " + path + ".");
            }
            if (existing != null && !overwrite) {
                throw new ApiException(409, "ALREADY_EXISTS", "The file being created already exists.");
            }
            if (!tree.putFile(path, request.body().clone(), System.currentTimeMillis())) {
                throw new ApiException(409, "ALREADY_EXISTS", "A file exists above the file path " + path + ".");
            }
        }
        return ApiResponse.empty(204);
    }

    private ApiResponse deleteFile(ApiRequest request) {
        FileEntry file = file(request);
        tree.remove(file.path());
        return ApiResponse.empty(204);
    }

    private FileEntry file(ApiRequest request) {
        String path = VolumePath.resolve(path(request), unityCatalog, FILE_NOT_FOUND);
        FileEntry entry = tree.get(path);
        if (entry == null || entry.directory()) {
            throw ApiException.notFound("NOT_FOUND", FILE_NOT_FOUND);
        }
        return entry;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static String path(ApiRequest request) {
        return "/" + request.pathParam("path");
    }

    /** IMF-fixdate (RFC 9110), e.g. {@code Sun, 01 Nov 2026 00:00:00 GMT}: RFC_1123_DATE_TIME drops the day's 0. */
    static String httpDate(long millis) {
        return HTTP_DATE.format(Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC));
    }

    /**
     * A HEAD answer has no body, errors included (the real service sends a bare 404): the error keeps its status
     * and headers and loses the JSON.
     */
    private static Router.Handler headOnly(Router.Handler handler) {
        return request -> {
            try {
                return handler.handle(request);
            } catch (ApiException e) {
                ApiResponse response = ApiResponse.empty(e.status());
                e.headers().forEach(response::header);
                return response;
            }
        };
    }
}
