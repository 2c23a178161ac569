package dev.lakehouse.emulator.files;

import dev.lakehouse.emulator.WorkspaceServices;
import dev.lakehouse.emulator.http.Router;

/** Files API for volumes (/api/2.0/fs) and DBFS (/api/2.0/dbfs). */
public final class FilesEndpoints {

    private final WorkspaceServices workspace;

    public FilesEndpoints(WorkspaceServices workspace) {
        this.workspace = workspace;
    }

    public void register(Router router) {
    }
}
