package dev.lakehouse.gateway.databricks;

/**
 * A 5xx answer of a workspace, raised inside its circuit breaker so that the breaker counts it as a failure; route
 * {@code databricks-call} catches it outside the breaker and reads the answer from it.
 */
public class UpstreamServerException extends RuntimeException {

    private final int status;
    private final transient String body;
    private final String retryAfter;

    public UpstreamServerException(int status, String body, String retryAfter) {
        super("Databricks answered HTTP " + status, null, false, false);
        this.status = status;
        this.body = body;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }

    public String retryAfter() {
        return retryAfter;
    }
}
