package dev.lakehouse.gateway.connect;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import dev.lakehouse.gateway.mcp.SessionRegistry;
import dev.lakehouse.gateway.vault.ConnectionVault;
import dev.lakehouse.gateway.vault.EnvelopeCipher;
import dev.lakehouse.gateway.vault.VaultConnection;
import dev.lakehouse.gateway.vault.VaultHosts;
import dev.lakehouse.gateway.vault.WorkspaceOAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * A person signs in at their workspace (OAuth U2M, authorization code + PKCE S256) and the grant lands in the vault.
 * {@link #start} makes a connect session bound to the person (single-use, short-lived; only the state's hash and the
 * sealed verifier are stored) and returns the workspace's authorize URL; {@link #callback} checks the state, the person,
 * expiry and single use, exchanges the code, proves the tokens (SCIM Me and one light call), stores the grant, and
 * completes the agent's reconnect link when the sign-in started from one. A refused callback changes nothing.
 */
@Component
public class ConnectFlow {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectFlow.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConnectStore store;
    private final ConnectionVault vault;
    private final VaultHosts hosts;
    private final WorkspaceOAuth oauth;
    private final EnvelopeCipher cipher;
    private final ElicitationNotifier notifier;
    private final ConnectProperties properties;
    private final Environment environment;
    private final Clock clock;

    /** What a callback page says. {@code status} is the HTTP status of the page. */
    public record Outcome(int status, String title, String message, String connection) {
    }

    /** A refusal with the HTTP status of its page. */
    public static final class Refused extends RuntimeException {
        private final int status;

        public Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    public ConnectFlow(ConnectStore store, ConnectionVault vault, VaultHosts hosts, WorkspaceOAuth oauth,
            EnvelopeCipher cipher, ElicitationNotifier notifier, ConnectProperties properties, Environment environment,
            Clock vaultClock) {
        this.store = store;
        this.vault = vault;
        this.hosts = hosts;
        this.oauth = oauth;
        this.cipher = cipher;
        this.notifier = notifier;
        this.properties = properties;
        this.environment = environment;
        this.clock = vaultClock;
    }

    /** The gateway's URL as browsers reach it. */
    public String publicUrl() {
        return properties.publicUrl() != null ? properties.publicUrl()
                : "http://localhost:" + environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
    }

    /** The redirect URL to register in the workspace's OAuth app. */
    public String callbackUrl() {
        return publicUrl() + "/connect/callback";
    }

    /** A reconnect link for an agent's human: the page checks that the same person (or a tenant admin) opens it. */
    public String elicitationUrl(String tenant, String connection, String subject, String mcpSessionId) {
        String id = SessionRegistry.randomId(24);
        Instant now = clock.instant();
        store.insert(new ConnectStore.Elicitation(id, tenant, connection, subject, mcpSessionId, now,
                now.plus(properties.elicitationTtl()), null));
        return publicUrl() + "/connect/e/" + id;
    }

    /** The elicitation behind a link, if the person may open it; else 404 (unknown, expired) or 403 (another person). */
    public ConnectStore.Elicitation openElicitation(Person person, String id) {
        ConnectStore.Elicitation e = id == null || id.length() > 64 ? null : store.elicitation(id).orElse(null);
        if (e == null || clock.instant().isAfter(e.expiresAt())) {
            throw new Refused(404, "This link is unknown or has expired. Ask your agent for a new one.");
        }
        if (!person.subject().equals(e.subject()) && !person.adminOf(e.tenant())) {
            throw new Refused(403, "This link was made for another person. Sign in as the user your agent acts for.");
        }
        return e;
    }

    /** Starts a sign-in at the workspace for the person; returns the URL to send the browser to. */
    public String start(Person person, String tenant, String name, String elicitationId) {
        if (!person.memberOf(tenant)) {
            throw new Refused(404, "Unknown connection.");
        }
        VaultConnection c = vault.connection(tenant, name).orElseThrow(() -> new Refused(404, "Unknown connection."));
        if (!VaultConnection.U2M.equals(c.authMethod())) {
            throw new Refused(400, "Connection '" + name + "' uses " + c.authMethod() + ": there is nothing to sign in to. "
                    + "A tenant admin changes its secret instead.");
        }
        if (!c.perUser() && !person.adminOf(tenant)) {
            throw new Refused(403, "Connection '" + name + "' is shared by the tenant: only a tenant admin signs in for it.");
        }
        String subject = elicitationId != null ? openElicitation(person, elicitationId).subject() : person.subject();
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        RANDOM.nextBytes(raw);
        String state = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        store.insert(new ConnectStore.Session(id, tenant, name, c.perUser() ? subject : VaultConnection.OWN,
                cipher.sealWithMasterKey(verifier, "connect|" + id), callbackUrl(), elicitationId, now,
                now.plus(properties.sessionTtl()), null), state);
        String authorize = hosts.baseUrl(c.host()) + "/oidc/v1/authorize?response_type=code"
                + "&client_id=" + enc(c.clientId()) + "&redirect_uri=" + enc(callbackUrl())
                + "&scope=" + enc(c.scopes() == null || c.scopes().isBlank() ? "all-apis offline_access" : c.scopes())
                + "&state=" + enc(state) + "&code_challenge=" + enc(challenge(verifier)) + "&code_challenge_method=S256";
        LOG.info("sign-in at the workspace of {}/{} started", tenant, name);
        return authorize;
    }

    /** The workspace sent the browser back. Every refusal leaves the vault as it was. */
    public Outcome callback(Person person, String state, String code, String error, String errorDescription) {
        ConnectStore.Session s = state == null || state.isBlank() || state.length() > 200 ? null
                : store.byState(state).orElse(null);
        if (s == null) {
            return new Outcome(400, "Unknown sign-in", "This sign-in is unknown or its link was altered. Start again "
                    + "from the connect page.", null);
        }
        String who = s.subject().isEmpty() ? null : s.subject();
        if (who != null && !who.equals(person.subject()) && !person.adminOf(s.tenant())
                || who == null && !person.adminOf(s.tenant())) {
            return new Outcome(403, "Another person's sign-in", "This sign-in was started by another person. Nothing "
                    + "was changed.", s.connection());
        }
        if (s.usedAt() != null) {
            return new Outcome(400, "Already used", "This sign-in was already completed or refused; it cannot be used "
                    + "twice. Start again from the connect page.", s.connection());
        }
        if (clock.instant().isAfter(s.expiresAt())) {
            return new Outcome(400, "Sign-in expired", "This sign-in took too long and expired. Start again from the "
                    + "connect page.", s.connection());
        }
        if (!store.use(s.id(), clock.instant())) {
            return new Outcome(400, "Already used", "This sign-in was already completed; it cannot be used twice.",
                    s.connection());
        }
        if (error != null) {
            boolean denied = "access_denied".equals(error);
            return new Outcome(400, denied ? "Access not allowed" : "The workspace refused the sign-in", denied
                    ? "You did not allow the gateway to access the workspace. Nothing was stored."
                    : "The workspace answered " + printable(error) + (errorDescription == null ? "" : ": "
                    + printable(errorDescription)) + ". Nothing was stored.", s.connection());
        }
        if (code == null || code.isBlank() || code.length() > 2000) {
            return new Outcome(400, "No authorization code", "The workspace sent no authorization code. Start again.",
                    s.connection());
        }
        VaultConnection c = vault.connection(s.tenant(), s.connection()).orElse(null);
        if (c == null) {
            return new Outcome(404, "Connection gone", "The connection was removed meanwhile. Nothing was stored.", null);
        }
        String base = hosts.baseUrl(c.host());
        String verifier = cipher.openWithMasterKey(s.verifier(), "connect|" + s.id());
        try {
            String appSecret = vault.appSecret(c);
            WorkspaceOAuth.Tokens tokens = oauth.authorizationCode(base, c.clientId(), appSecret, code, verifier,
                    s.redirectUri());
            WorkspaceOAuth.Me me = oauth.me(base, tokens.accessToken());
            oauth.probe(base, tokens.accessToken());
            vault.storeGrant(c, s.subject().isEmpty() ? null : s.subject(), tokens, me);
            if (s.elicitationId() != null) {
                notifier.complete(s.elicitationId());
            }
            return new Outcome(200, "Connected", "Workspace connection '" + c.name() + "' now acts as Databricks "
                    + (me.servicePrincipal() ? "service principal " : "user ") + me.userName() + ".", c.name());
        } catch (WorkspaceOAuth.Failure f) {
            String reason = switch (f.kind()) {
                case INVALID_CLIENT -> "The workspace refused the gateway's OAuth app (wrong client id or secret, or "
                        + "the app was removed). A tenant admin must check the connection's OAuth app.";
                case INVALID_GRANT -> "The workspace refused the authorization code (expired, already used, or the "
                        + "redirect URL " + s.redirectUri() + " is not registered for the app).";
                case PASSING -> "The workspace could not be reached or is unavailable. Try again in a minute.";
                default -> "The workspace refused the sign-in: " + f.getMessage() + ".";
            };
            return new Outcome(400, "Not connected", reason + " Nothing was stored.", c.name());
        }
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String printable(String text) {
        String clean = text.replaceAll("[^\\p{Print}]", "?");
        return clean.length() > 200 ? clean.substring(0, 200) + "…" : clean;
    }
}
