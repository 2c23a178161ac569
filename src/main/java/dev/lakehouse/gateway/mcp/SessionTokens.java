package dev.lakehouse.gateway.mcp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Self-contained MCP session ids, so that any replica can serve any request of a 2025-11-25 session without asking
 * the one that answered {@code initialize}: {@code <payload>.<HMAC-SHA256>} in base64url, the payload holding what
 * the session negotiated (protocol version, client capabilities, client name and version), a hash of its owner (the
 * caller), when it was issued, and a random nonce. Whether a session is still alive (not ended, not idle) is the
 * cluster bus's business; an id is only ever accepted with a valid seal, from its owner, within
 * {@code gateway.mcp.session-max-lifetime}.
 */
@Component
public class SessionTokens {

    private static final Logger LOG = LoggerFactory.getLogger(SessionTokens.class);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Longer ids are refused unread (a header, and a client's memory, hold them). */
    static final int MAX_ID_LENGTH = 2048;
    /** Client name and version are kept only this long in the id. */
    private static final int MAX_INFO_CHARS = 64;

    /** What a session id says. */
    public record Claims(String protocolVersion, JsonNode capabilities, JsonNode clientInfo, long issuedAt) {
    }

    private final byte[] key;
    private final Duration maxLifetime;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    public SessionTokens(@Value("${gateway.mcp.session-key:}") String base64Key,
            @Value("${gateway.mcp.session-max-lifetime:24h}") Duration maxLifetime) {
        this(Hmac.key(base64Key, "gateway.mcp.session-key", "an MCP session id", LOG), maxLifetime, Clock.systemUTC());
    }

    SessionTokens(byte[] key, Duration maxLifetime, Clock clock) {
        Hmac.requireLength(key, "gateway.mcp.session-key");
        this.key = key;
        this.maxLifetime = maxLifetime;
        this.clock = clock;
    }

    public String issue(String owner, String protocolVersion, JsonNode capabilities, JsonNode clientInfo) {
        ObjectNode payload = json.createObjectNode();
        payload.put("o", ownerHash(owner));
        payload.put("v", protocolVersion);
        payload.set("c", capabilities == null || !capabilities.isObject() ? json.createObjectNode() : capabilities);
        ObjectNode info = payload.putObject("i");
        if (clientInfo != null) {
            info.put("name", truncated(clientInfo.path("name").asText("")));
            info.put("version", truncated(clientInfo.path("version").asText("")));
        }
        payload.put("t", clock.instant().getEpochSecond());
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        payload.put("n", B64.encodeToString(nonce));
        String body = B64.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(Hmac.sha256(key, body));
    }

    /** The claims of an id sealed here, issued to this caller and not older than the maximum lifetime. */
    public Optional<Claims> open(String sessionId, String caller) {
        if (sessionId == null || sessionId.length() > MAX_ID_LENGTH) {
            return Optional.empty();
        }
        int dot = sessionId.indexOf('.');
        if (dot <= 0 || dot != sessionId.lastIndexOf('.')) {
            return Optional.empty();
        }
        String body = sessionId.substring(0, dot);
        try {
            // exact bytes: a re-encoded or case-changed id is not the id that was issued
            if (!MessageDigest.isEqual(sessionId.substring(dot + 1).getBytes(StandardCharsets.US_ASCII),
                    B64.encodeToString(Hmac.sha256(key, body)).getBytes(StandardCharsets.US_ASCII))) {
                return Optional.empty();
            }
            JsonNode payload = json.readTree(B64D.decode(body));
            long issuedAt = payload.path("t").asLong(0);
            if (!payload.path("o").asText("").equals(ownerHash(caller))
                    || issuedAt + maxLifetime.toSeconds() < clock.instant().getEpochSecond()) {
                return Optional.empty();
            }
            return Optional.of(new Claims(payload.path("v").asText(), payload.path("c"), payload.path("i"), issuedAt));
        } catch (IllegalArgumentException | java.io.IOException e) {
            return Optional.empty();
        }
    }

    private static String truncated(String text) {
        return text.length() > MAX_INFO_CHARS ? text.substring(0, MAX_INFO_CHARS) : text;
    }

    private static String ownerHash(String owner) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.valueOf(owner).getBytes(StandardCharsets.UTF_8));
            return B64.encodeToString(digest).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
