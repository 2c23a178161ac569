package dev.lakehouse.emulator.admin;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** The admin API only answers callers on the same machine. */
public final class LoopbackGuard {

    private LoopbackGuard() { }

    /** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback; false for everything else, including null. */
    public static boolean isLoopback(InetAddress address) {
        return address != null && address.isLoopbackAddress();
    }

    public static boolean isLoopback(InetSocketAddress remote) {
        return remote != null && isLoopback(remote.getAddress());
    }
}
