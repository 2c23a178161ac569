package dev.lakehouse.emulator.files;

/** Knobs of the emulated Files API and DBFS, bound from properties {@code emulator.files.*}. */
public class FilesSettings {

    /** Directory entries per page when the client sends no page_size (the real Files API: 1000). */
    private int directoryPageSize = 1000;
    /** Largest page_size honoured; larger values are coerced to it, as the real service does (1000). */
    private int maxDirectoryPageSize = 1000;
    /** Bytes a DBFS read returns when the client sends no length (the real service: 0.5 MB). */
    private int dbfsDefaultReadLength = 512 * 1024;
    /** Largest DBFS read length; more is 400 MAX_READ_SIZE_EXCEEDED (the real service: 1 MB). */
    private int dbfsMaxReadLength = 1024 * 1024;

    public int getDirectoryPageSize() { return directoryPageSize; }
    public void setDirectoryPageSize(int directoryPageSize) { this.directoryPageSize = directoryPageSize; }
    public int getMaxDirectoryPageSize() { return maxDirectoryPageSize; }
    public void setMaxDirectoryPageSize(int maxDirectoryPageSize) { this.maxDirectoryPageSize = maxDirectoryPageSize; }
    public int getDbfsDefaultReadLength() { return dbfsDefaultReadLength; }
    public void setDbfsDefaultReadLength(int dbfsDefaultReadLength) { this.dbfsDefaultReadLength = dbfsDefaultReadLength; }
    public int getDbfsMaxReadLength() { return dbfsMaxReadLength; }
    public void setDbfsMaxReadLength(int dbfsMaxReadLength) { this.dbfsMaxReadLength = dbfsMaxReadLength; }
}
