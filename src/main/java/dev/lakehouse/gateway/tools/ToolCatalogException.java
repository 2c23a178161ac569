package dev.lakehouse.gateway.tools;

/** A catalog file that must not reach agents: startup fails with the file and field named. */
public class ToolCatalogException extends RuntimeException {

    public ToolCatalogException(String message) {
        super(message);
    }
}
