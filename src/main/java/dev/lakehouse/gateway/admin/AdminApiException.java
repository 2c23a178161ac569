package dev.lakehouse.gateway.admin;

/** A client mistake on the admin API: its HTTP status (4xx) and a message that says what to fix. */
public class AdminApiException extends RuntimeException {

    private final int status;

    public AdminApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public static AdminApiException badRequest(String message) {
        return new AdminApiException(400, message);
    }

    public int status() {
        return status;
    }
}
