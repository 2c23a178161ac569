package dev.lakehouse.emulator.cloud;

/**
 * The emulated cloud identity providers of one emulator process: Entra ID and Google. One instance is shared by
 * every workspace (as one tenant or one Google project serves many workspaces), each serving the token endpoints
 * on its own port; each provider signs with its own key, made fresh per process.
 */
public final class CloudIdentityProviders {

    private final EntraTokenService entra = new EntraTokenService(new EntraDirectory());
    private final GoogleTokenService google = new GoogleTokenService(new GoogleDirectory());

    public EntraTokenService entra() {
        return entra;
    }

    public GoogleTokenService google() {
        return google;
    }
}
