package dev.lakehouse.emulator.files;

/**
 * One file or directory of an in-memory file tree. {@code path} is absolute, without a trailing slash
 * ({@code /} only for the root); a directory has no content.
 */
record FileEntry(String path, boolean directory, byte[] content, long modifiedMillis) {

    static FileEntry directory(String path, long modifiedMillis) {
        return new FileEntry(path, true, null, modifiedMillis);
    }

    static FileEntry file(String path, byte[] content, long modifiedMillis) {
        return new FileEntry(path, false, content, modifiedMillis);
    }

    long size() {
        return directory ? 0 : content.length;
    }

    /** The last path component (empty for the root). */
    String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
