package dev.lakehouse.gateway.identity;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.lakehouse.gateway.mcp.JsonRpcErrors;
import dev.lakehouse.gateway.mcp.McpTransportException;
import dev.lakehouse.gateway.tenant.TenantConnections;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;

/**
 * Scoped MCP URLs ({@code /mcp/u/<token>}) for clients that cannot do OAuth: the token in the path is the
 * credential. It is signed ({@link ScopedUrlSigner}) and names a tenant, one pinned workspace connection, allowed
 * tool groups and/or tool names, a read-only flag, an expiry, and whether a Keycloak token must come too. Its record
 * ({@link ScopedUrlRepository}) says whether it was revoked.
 *
 * <p>The identity step of the scoped entry route ({@link #authenticate}) sets the variables {@link CallerIdentity}
 * sets ({@code tenant}, {@code subject = scoped-url:<id>}, {@code scopes = allowed groups or null}, {@code client},
 * {@code caller}) plus {@code pinnedConnection}, {@code urlReadOnly} and {@code urlTools} (a Set, or null), which the
 * tool policy, the connection resolver and the SQL guard read. Every refusal is the same 401 "Unauthorized"; the
 * reason goes to the DEBUG log with the URL id, never the token.
 */
@Component("scopedUrls")
public class ScopedUrls {

    private static final Logger LOG = LoggerFactory.getLogger(ScopedUrls.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The path parameter of platform-http:/mcp/u/{token}. */
    static final String TOKEN_HEADER = "token";

    private final ScopedUrlSigner signer;
    private final ScopedUrlRepository repository;
    private final IdentityProperties identity;
    private final TenantConnections connections;
    private final Clock clock;

    public ScopedUrls(ScopedUrlSigner signer, ScopedUrlRepository repository, IdentityProperties identity,
            TenantConnections connections) {
        this.signer = signer;
        this.repository = repository;
        this.identity = identity;
        this.connections = connections;
        this.clock = Clock.systemUTC();
    }

    /** A URL made by {@link #mint}: its record and the token, which is never shown again. */
    public record Minted(ScopedUrlRecord record, String token, String url) {
    }

    /** Makes and records a URL; the arguments are already validated (admin API). */
    public Minted mint(String tenant, String connection, List<String> groups, List<String> tools, boolean readOnly,
            long expiresInSeconds, boolean requiresToken, String label) {
        Instant now = clock.instant();
        Instant expires = now.plusSeconds(expiresInSeconds);
        // the token carries whole seconds: round up, so a URL lives at least as long as asked
        long exp = expires.getEpochSecond() + (expires.getNano() > 0 ? 1 : 0);
        String id = newId();
        String token = signer.sign(new ScopedUrlClaims(id, null, tenant, connection, groups, tools, readOnly, exp, requiresToken));
        ScopedUrlRecord record = new ScopedUrlRecord(id, tenant, connection, groups, tools, readOnly, requiresToken, label,
                signer.activeKey(), now, Instant.ofEpochSecond(exp), null);
        repository.insert(record);
        LOG.info("scoped URL {} made for tenant {} (connection {}, expires {})", id, tenant, connection, record.expiresAt());
        return new Minted(record, token, urlOf(token));
    }

    public List<ScopedUrlRecord> list(String tenant) {
        return repository.list(tenant);
    }

    /** Revokes a tenant's URL; false when the tenant has none of that id. */
    public boolean revoke(String tenant, String id) {
        boolean found = repository.revoke(tenant, id, clock.instant());
        if (found) {
            LOG.info("scoped URL {} of tenant {} revoked", id, tenant);
        }
        return found;
    }

    /** The MCP URL of a token: the canonical MCP URL (gateway.identity.resource) + /u/ + token. */
    String urlOf(String token) {
        String base = identity.resource() == null ? "http://localhost:8080/mcp" : identity.resource();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + "/u/" + token;
    }

    /** Identity step of the scoped entry route; any failure is a 401 that does not say why. */
    public void authenticate(Exchange exchange) {
        String token = exchange.getMessage().getHeader(TOKEN_HEADER, String.class);
        exchange.getMessage().removeHeader(TOKEN_HEADER);   // nothing later needs it, and nothing may echo it
        ScopedUrlClaims claims;
        try {
            claims = signer.verify(token);
        } catch (ScopedUrlSigner.InvalidToken e) {
            throw refused(e.getMessage(), e.urlId());
        }
        if (clock.instant().getEpochSecond() >= claims.expiresAt()) {
            throw refused("expired", claims.id());
        }
        Optional<ScopedUrlRecord> record = repository.find(claims.id());
        if (record.isEmpty()) {
            throw refused("no record (made by another database?)", claims.id());
        }
        if (record.get().revokedAt() != null) {
            throw refused("revoked", claims.id());
        }
        if (!record.get().tenant().equals(claims.tenant()) || !connections.knows(claims.tenant())) {
            throw refused("tenant mismatch or tenant gone", claims.id());
        }
        String client = null;
        if (claims.requiresToken()) {
            client = secondFactor(claims);
        }
        exchange.setVariable("tenant", claims.tenant());
        exchange.setVariable("subject", "scoped-url:" + claims.id());
        exchange.setVariable("scopes", claims.groups().isEmpty() ? null : Set.copyOf(claims.groups()));
        exchange.setVariable("client", client);
        exchange.setVariable("caller", claims.tenant() + ":scoped-url:" + claims.id());
        exchange.setVariable("pinnedConnection", claims.connection());
        exchange.setVariable("urlReadOnly", claims.readOnly());
        exchange.setVariable("urlTools", claims.tools().isEmpty() ? null : new LinkedHashSet<>(claims.tools()));
    }

    /** The Keycloak token Spring Security validated (if one came): it must name exactly the URL's tenant. */
    private String secondFactor(ScopedUrlClaims claims) {
        if (!identity.oauthEnabled()) {
            throw refused("second factor required, but no OAuth issuer is configured", claims.id());
        }
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!(authentication instanceof JwtAuthenticationToken jwt)) {
            throw refused("second factor required, no bearer token", claims.id());
        }
        List<String> tenants = CallerIdentity.tenants(jwt.getToken().getClaims().get(identity.tenantClaim()));
        if (tenants.size() != 1 || !tenants.get(0).equals(claims.tenant())) {
            throw refused("second factor of another tenant", claims.id());
        }
        return jwt.getToken().getClaimAsString("azp");
    }

    private static McpTransportException refused(String reason, String id) {
        LOG.debug("scoped URL refused: {} (url id {})", reason, id == null ? "unknown" : id);
        return new McpTransportException(401, JsonRpcErrors.TRANSPORT_ERROR, "Unauthorized");
    }

    static String newId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
