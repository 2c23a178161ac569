package dev.lakehouse.emulator.workspaceapi;

/** Knobs of the emulated Workspace API, bound from properties {@code emulator.workspace.*}. */
public class WorkspaceApiSettings {

    /** The real service's export limit (10 MB = 10485760 bytes); larger objects fail MAX_NOTEBOOK_SIZE_EXCEEDED. */
    public static final long REAL_EXPORT_LIMIT = 10L * 1024 * 1024;

    /** Largest object export returns, in bytes; tests lower it to reach the error with the seeded notebooks. */
    private long maxExportBytes = REAL_EXPORT_LIMIT;

    public long getMaxExportBytes() { return maxExportBytes; }
    public void setMaxExportBytes(long v) { this.maxExportBytes = v; }
}
