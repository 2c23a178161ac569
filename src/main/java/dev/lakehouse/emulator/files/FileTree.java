package dev.lakehouse.emulator.files;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An in-memory file system: entries keyed by absolute path, kept sorted so a directory's children are one
 * contiguous key range. Writers synchronise on the tree (creating parents must not race a delete); readers
 * see a consistent entry without locking.
 */
final class FileTree {

    private final ConcurrentSkipListMap<String, FileEntry> entries = new ConcurrentSkipListMap<>();

    FileEntry get(String path) {
        return entries.get(path);
    }

    /** The direct children of a directory, sorted by path (i.e. by name). */
    List<FileEntry> children(String directory) {
        String prefix = directory.equals("/") ? "/" : directory + "/";
        // '0' is the character after '/', so this range holds every path below the directory
        NavigableMap<String, FileEntry> below = entries.subMap(prefix, true, prefix.substring(0, prefix.length() - 1) + "0", false);
        List<FileEntry> children = new ArrayList<>();
        for (FileEntry entry : below.values()) {
            if (!entry.path().equals(directory) && entry.path().indexOf('/', prefix.length()) < 0) {
                children.add(entry);
            }
        }
        return children;
    }

    /** Creates the directory and any missing parents; false when a file is in the way. */
    synchronized boolean mkdirs(String path, long modifiedMillis) {
        FileEntry existing = entries.get(path);
        if (existing != null) {
            return existing.directory();
        }
        String parent = parent(path);
        if (parent != null && !mkdirs(parent, modifiedMillis)) {
            return false;
        }
        entries.put(path, FileEntry.directory(path, modifiedMillis));
        return true;
    }

    /** Writes a file, creating missing parents; false when a file is in the way of a parent. */
    synchronized boolean putFile(String path, byte[] content, long modifiedMillis) {
        String parent = parent(path);
        if (parent != null && !mkdirs(parent, modifiedMillis)) {
            return false;
        }
        entries.put(path, FileEntry.file(path, content, modifiedMillis));
        return true;
    }

    synchronized void remove(String path) {
        entries.remove(path);
    }

    private static String parent(String path) {
        if (path.equals("/")) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }
}
