package dev.lakehouse.emulator.workspaceapi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.workspaceapi.WorkspaceObject.Language;

/**
 * The seeded, read-only workspace tree: /Users/&lt;first user&gt;, /Shared with a Reports folder and a
 * big notebook. Ids and timestamps are derived from the workspace name and path, so they are the
 * same on every run (and other surfaces, e.g. lineage, can name the notebooks by id).
 */
public final class WorkspaceTree {

    public static final String REPORTS = "/Shared/Reports";
    public static final String DAILY_REVENUE = REPORTS + "/Daily revenue";
    public static final String HEADCOUNT = REPORTS + "/Headcount";
    public static final String README = REPORTS + "/README.md";
    public static final String BIG_NOTEBOOK = "/Shared/Big notebook";
    public static final String SCRATCH_NAME = "Scratch";

    /** 2025-01-06T09:00:00Z: the seeded objects were "created" then, and modified a few hours later. */
    private static final long SEEDED_AT = 1_736_154_000_000L;
    private static final long HOUR = 3_600_000L;

    private final String workspaceName;
    private final Map<String, WorkspaceObject> objects = new TreeMap<>();

    public WorkspaceTree(String workspaceName, String firstUserName) {
        this.workspaceName = workspaceName;
        directory("/");
        directory("/Users");
        String home = "/Users/" + firstUserName;
        directory(home);
        directory("/Shared");
        directory(REPORTS);
        notebook(DAILY_REVENUE, Language.PYTHON, SeededNotebooks.dailyRevenue(), 1);
        notebook(HEADCOUNT, Language.SQL, SeededNotebooks.headcount(), 2);
        add(WorkspaceObject.file(README, SeededNotebooks.readme(), objectIdOf(workspaceName, README), SEEDED_AT,
                SEEDED_AT + 3 * HOUR));
        notebook(BIG_NOTEBOOK, Language.PYTHON, SeededNotebooks.bigNotebook(), 4);
        notebook(home + "/" + SCRATCH_NAME, Language.SCALA, SeededNotebooks.scratch(), 5);
    }

    /**
     * The object id of a seeded path in a workspace: a 16-digit number like the real ones, stable across runs.
     * The root is 0, as in the real service.
     */
    public static long objectIdOf(String workspaceName, String path) {
        if ("/".equals(path)) {
            return 0;
        }
        UUID uuid = UUID.nameUUIDFromBytes((workspaceName + "/workspace" + path).getBytes(StandardCharsets.UTF_8));
        return 1_000_000_000_000_000L + Math.floorMod(uuid.getMostSignificantBits(), 9_000_000_000_000_000L) / 1000;
    }

    /** The object at a path; a path that does not exist is the real 404 RESOURCE_DOES_NOT_EXIST. */
    WorkspaceObject get(String rawPath) {
        WorkspaceObject object = objects.get(normalize(rawPath));
        if (object == null) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Path (" + rawPath + ") doesn't exist.");
        }
        return object;
    }

    /** A directory's children sorted by path; any other object lists as itself, as the real API does. */
    List<WorkspaceObject> list(String rawPath) {
        WorkspaceObject object = get(rawPath);
        if (object.type() != WorkspaceObject.ObjectType.DIRECTORY) {
            return List.of(object);
        }
        String prefix = object.path().equals("/") ? "/" : object.path() + "/";
        List<WorkspaceObject> children = new ArrayList<>();
        for (WorkspaceObject candidate : objects.values()) {
            String path = candidate.path();
            if (path.startsWith(prefix) && path.length() > prefix.length() && path.indexOf('/', prefix.length()) < 0) {
                children.add(candidate);
            }
        }
        return children;
    }

    /**
     * Workspace paths are absolute; the "/Workspace" mount prefix is optional, repeated slashes collapse and
     * a trailing slash is ignored (the seeded folders are documented as "/Shared/").
     */
    static String normalize(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            throw ApiException.invalidParameter("Missing required field: path");
        }
        if (!rawPath.startsWith("/")) {
            throw ApiException.invalidParameter("Path (" + rawPath + ") is not absolute: workspace paths start with '/'");
        }
        String path = rawPath.replaceAll("/{2,}", "/");
        if (path.equals("/Workspace") || path.startsWith("/Workspace/")) {
            path = path.substring("/Workspace".length());
        }
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path.isEmpty() ? "/" : path;
    }

    private void directory(String path) {
        add(WorkspaceObject.directory(path, objectIdOf(workspaceName, path)));
    }

    private void notebook(String path, Language language, String source, int hoursAfterSeeding) {
        add(WorkspaceObject.notebook(path, language, source, objectIdOf(workspaceName, path), SEEDED_AT,
                SEEDED_AT + hoursAfterSeeding * HOUR));
    }

    private void add(WorkspaceObject object) {
        objects.put(object.path(), object);
    }
}
