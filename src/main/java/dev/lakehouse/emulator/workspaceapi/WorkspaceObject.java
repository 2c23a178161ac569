package dev.lakehouse.emulator.workspaceapi;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.Json;

/**
 * One object of the workspace tree. Directories have no content; notebooks carry their language
 * and their SOURCE text; files carry their bytes.
 */
record WorkspaceObject(String path, ObjectType type, Language language, byte[] content, long objectId,
                       long createdAt, long modifiedAt) {

    /** The SDK's ObjectType values the emulator seeds. */
    enum ObjectType { NOTEBOOK, DIRECTORY, FILE, LIBRARY, REPO, DASHBOARD }

    /** Notebook languages and the file_type of their SOURCE export. */
    enum Language {
        PYTHON("py"), SQL("sql"), SCALA("scala"), R("r");

        private final String sourceExtension;

        Language(String sourceExtension) {
            this.sourceExtension = sourceExtension;
        }

        String sourceExtension() {
            return sourceExtension;
        }
    }

    static WorkspaceObject directory(String path, long objectId) {
        return new WorkspaceObject(path, ObjectType.DIRECTORY, null, null, objectId, 0, 0);
    }

    static WorkspaceObject notebook(String path, Language language, String source, long objectId, long createdAt,
                                    long modifiedAt) {
        return new WorkspaceObject(path, ObjectType.NOTEBOOK, language, source.getBytes(StandardCharsets.UTF_8),
                objectId, createdAt, modifiedAt);
    }

    static WorkspaceObject file(String path, String text, long objectId, long createdAt, long modifiedAt) {
        return new WorkspaceObject(path, ObjectType.FILE, null, text.getBytes(StandardCharsets.UTF_8), objectId,
                createdAt, modifiedAt);
    }

    String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * ObjectInfo as list and get-status return it. As in the real service, timestamps are sent for notebooks
     * and files, the size for files only, the language for notebooks only; resource_id is the id as a string.
     */
    ObjectNode toJson() {
        ObjectNode node = Json.obj();
        node.put("object_type", type.name());
        node.put("path", path);
        if (language != null) {
            node.put("language", language.name());
        }
        node.put("object_id", objectId);
        if (type != ObjectType.DIRECTORY) {
            node.put("created_at", createdAt);
            node.put("modified_at", modifiedAt);
        }
        if (type == ObjectType.FILE) {
            node.put("size", content.length);
        }
        node.put("resource_id", String.valueOf(objectId));
        return node;
    }
}
