package dev.lakehouse.gateway.vault;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Which workspace hosts a vault connection may point at, and their base URL. An admin names a host the gateway will
 * send secrets to, so it must be a Databricks workspace from the allow-list (no requests to internal addresses), over
 * https; plain http only on loopback (the emulator). {@code emulator:NAME} is the embedded emulator's workspace.
 */
@Component
public class VaultHosts {

    private static final String EMULATOR = "emulator:";

    private final VaultProperties properties;
    private final Environment environment;
    /** scheme://authority of a workspace -> the base URL its requests go to (gateway.vault.host-overrides) */
    private final Map<String, String> overrides;

    public VaultHosts(VaultProperties properties, Environment environment) {
        this.properties = properties;
        this.environment = environment;
        this.overrides = parseOverrides(properties.hostOverrides());
    }

    /** The stored form of an admin's host (scheme://authority or emulator:NAME); a refusal names the reason. */
    public String normalize(String host) {
        if (host == null || host.isBlank() || host.length() > 500) {
            throw new IllegalArgumentException("host is required: the workspace URL, e.g. https://adb-1234.5.azuredatabricks.net");
        }
        String trimmed = host.trim();
        if (trimmed.startsWith(EMULATOR)) {
            String name = trimmed.substring(EMULATOR.length());
            if (!name.matches("[a-z0-9-]{1,40}") || !allowed(trimmed)) {
                throw new IllegalArgumentException("host " + trimmed + " is not an allowed workspace");
            }
            return trimmed;
        }
        URI uri;
        try {
            uri = URI.create(trimmed.contains("://") ? trimmed : "https://" + trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("host is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String name = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (name.isEmpty() || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("host must be a plain workspace URL (scheme and host name, no user, query or fragment)");
        }
        boolean loopback = name.equals("localhost") || name.equals("127.0.0.1") || name.equals("[::1]");
        if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
            throw new IllegalArgumentException("host must use https (plain http is accepted for loopback only)");
        }
        String authority = uri.getPort() < 0 ? name : name + ":" + uri.getPort();
        if (!allowed(authority)) {
            throw new IllegalArgumentException("host " + authority + " is not an allowed Databricks workspace host "
                    + "(gateway.vault.allowed-hosts)");
        }
        return scheme + "://" + authority;
    }

    /** The base URL requests go to: the embedded emulator's, an operator's override, or the host itself. */
    public String baseUrl(String stored) {
        String target = stored.startsWith(EMULATOR) ? stored : overrides.getOrDefault(stored, stored);
        if (target.startsWith(EMULATOR)) {
            String resolved = environment.getProperty("emulator.url." + target.substring(EMULATOR.length()));
            if (resolved == null) {
                throw new IllegalArgumentException("the embedded emulator's workspace " + target + " is not running");
            }
            URI uri = URI.create(resolved);
            return uri.getScheme() + "://" + uri.getRawAuthority();
        }
        return target;
    }

    /**
     * An identity service's configured URL with {@code emulator:NAME} (then a path) resolved to the running embedded
     * emulator, whose port is known only once it runs; any other URL as it is.
     */
    public String serviceUrl(String configured) {
        String url = configured.replaceAll("/+$", "");
        if (!url.startsWith(EMULATOR)) {
            return url;
        }
        int slash = url.indexOf('/');
        String name = slash < 0 ? url : url.substring(0, slash);
        return baseUrl(name) + (slash < 0 ? "" : url.substring(slash));
    }

    /** The cloud of a stored host: told by the host name, never by where an override sends the requests. */
    public WorkspaceCloud cloud(String stored) {
        return WorkspaceCloud.of(stored);
    }

    /**
     * host=target pairs, the target a base URL or {@code emulator:NAME} (resolved when used: its port is known only once
     * it runs); a malformed pair stops the start, naming it (an override silently ignored sends secrets elsewhere).
     */
    private static Map<String, String> parseOverrides(java.util.List<String> pairs) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String pair : pairs) {
            if (pair == null || pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String target = eq < 1 ? "" : pair.substring(eq + 1).trim();
            String host = eq < 1 ? "" : pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            URI to = target.startsWith(EMULATOR) || target.isEmpty() ? null : parse(target);
            if (host.isEmpty() || !(target.startsWith(EMULATOR) && target.length() > EMULATOR.length()
                    || to != null && to.getScheme() != null && to.getRawAuthority() != null)) {
                throw new IllegalStateException("gateway.vault.host-overrides: '" + pair + "' is not host=base-url "
                        + "(or host=emulator:NAME)");
            }
            parsed.put(host.contains("://") ? host : "https://" + host,
                    to == null ? target : to.getScheme() + "://" + to.getRawAuthority());
        }
        return Map.copyOf(parsed);
    }

    private static URI parse(String url) {
        try {
            return URI.create(url);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private boolean allowed(String authority) {
        String hostOnly = authority.startsWith(EMULATOR) ? authority
                : authority.startsWith("[") ? authority.substring(0, authority.indexOf(']') + 1)
                : authority.contains(":") ? authority.substring(0, authority.indexOf(':')) : authority;
        for (String pattern : properties.allowedHosts()) {
            String p = pattern.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            if (p.equals(authority) || p.equals(EMULATOR + "*") && authority.startsWith(EMULATOR)
                    || p.endsWith(":*") && p.substring(0, p.length() - 2).equals(hostOnly)
                    || p.startsWith("*.") && !authority.startsWith(EMULATOR) && !authority.contains(":")
                    && hostOnly.endsWith(p.substring(1))) {
                return true;
            }
        }
        return false;
    }
}
