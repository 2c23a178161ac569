package dev.lakehouse.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports for the processes tests start (emulators, gateways, HAProxy, Redis, PostgreSQL, Keycloak). */
public final class Ports {

    private Ports() {
    }

    /** A port nothing listens on right now (the OS picks it; the caller binds it soon after). */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
