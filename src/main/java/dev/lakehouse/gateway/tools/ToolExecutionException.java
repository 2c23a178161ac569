package dev.lakehouse.gateway.tools;

/**
 * A tool failure the model can act on: becomes an {@code isError} result whose text is this message. Write the
 * message for a model: what went wrong and what to do next.
 */
public class ToolExecutionException extends RuntimeException {

    public ToolExecutionException(String message) {
        super(message, null, false, false);
    }

    /** Structured details for the result's {@code structuredContent}, or null when the text says it all. */
    public java.util.Map<String, Object> structured() {
        return null;
    }
}
