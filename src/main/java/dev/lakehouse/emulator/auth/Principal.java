package dev.lakehouse.emulator.auth;

/** Who a token belongs to: the workspace user or an OAuth service principal. */
public record Principal(Kind kind, String id, String userName, String displayName) {

    public enum Kind { USER, SERVICE_PRINCIPAL }

    public boolean isServicePrincipal() {
        return kind == Kind.SERVICE_PRINCIPAL;
    }
}
