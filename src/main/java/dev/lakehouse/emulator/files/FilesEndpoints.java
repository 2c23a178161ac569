package dev.lakehouse.emulator.files;

import dev.lakehouse.emulator.WorkspaceServices;
import dev.lakehouse.emulator.http.Router;

/**
 * Files API for volumes (/api/2.0/fs) and DBFS (/api/2.0/dbfs), each over its own in-memory tree seeded with
 * the same files in every workspace ({@link SeedFiles}); uploads and deletes change only this workspace.
 */
public final class FilesEndpoints {

    private final WorkspaceServices workspace;

    public FilesEndpoints(WorkspaceServices workspace) {
        this.workspace = workspace;
    }

    public void register(Router router) {
        FilesSettings settings = workspace.properties().getFiles();
        FileTree volumes = new FileTree();
        SeedFiles.seedVolumes(volumes);
        FileTree dbfs = new FileTree();
        SeedFiles.seedDbfs(dbfs);
        new VolumeFilesEndpoints(volumes, workspace.unityCatalog(), settings).register(router);
        new DbfsEndpoints(dbfs, settings).register(router);
    }
}
