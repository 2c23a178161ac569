package dev.lakehouse.gateway.vault;

/** A vault request the caller got wrong (HTTP {@link #status}); nothing was stored. The message names no secret. */
public class VaultRequestException extends RuntimeException {

    private final int status;

    public VaultRequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
