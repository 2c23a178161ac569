package dev.lakehouse.gateway.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Signs and verifies the tokens of scoped MCP URLs: {@code <kid>.<payload>.<signature>}, where payload is the
 * base64url JSON of the {@link ScopedUrlClaims} and signature the base64url HMAC-SHA256 of {@code <kid>.<payload>}
 * under the key {@code kid}. New tokens use the active key; every configured key still verifies (rotation: add a
 * key, make it active, remove the old one when its URLs may die). The signature is checked before the payload is
 * parsed; a token of a removed key, a changed character or a malformed token fails the same way.
 */
@Component
public class ScopedUrlSigner {

    private static final Logger LOG = LoggerFactory.getLogger(ScopedUrlSigner.class);
    private static final String MAC = "HmacSHA256";
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_-]+");
    /** Longer tokens are refused unread (the admin API bounds what goes into one far below this). */
    static final int MAX_TOKEN_LENGTH = 6000;
    static final int MIN_KEY_BYTES = 32;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final Map<String, byte[]> keys;
    private final String activeKey;

    @Autowired
    public ScopedUrlSigner(ScopedUrlProperties properties) {
        this(decodeKeys(properties), properties.activeKey());
    }

    /** Keys by id (raw secrets); {@code activeKey} may be null when there is exactly one. */
    ScopedUrlSigner(Map<String, byte[]> keys, String activeKey) {
        if (keys.isEmpty()) {
            byte[] random = new byte[MIN_KEY_BYTES];
            new SecureRandom().nextBytes(random);
            keys = Map.of("ephemeral", random);
            activeKey = "ephemeral";
            LOG.warn("No gateway.scoped-urls.keys configured: scoped MCP URLs are signed with a random key made at "
                    + "startup and stop working when this process ends. Configure gateway.scoped-urls.keys.<kid>="
                    + "<base64 of {}+ random bytes> and gateway.scoped-urls.active-key=<kid> to keep them.", MIN_KEY_BYTES);
        }
        for (Map.Entry<String, byte[]> key : keys.entrySet()) {
            if (!KID.matcher(key.getKey()).matches()) {
                throw new IllegalStateException("gateway.scoped-urls.keys: key id '" + key.getKey()
                        + "' must match [A-Za-z0-9_-]{1,32}");
            }
            if (key.getValue().length < MIN_KEY_BYTES) {
                throw new IllegalStateException("gateway.scoped-urls.keys." + key.getKey() + " is too short: "
                        + key.getValue().length + " bytes; use at least " + MIN_KEY_BYTES + " random bytes (e.g. openssl rand -base64 32)");
            }
        }
        if (activeKey == null) {
            if (keys.size() != 1) {
                throw new IllegalStateException("gateway.scoped-urls.active-key must name one of the keys " + keys.keySet()
                        + " (the one that signs new URLs)");
            }
            activeKey = keys.keySet().iterator().next();
        }
        if (!keys.containsKey(activeKey)) {
            throw new IllegalStateException("gateway.scoped-urls.active-key=" + activeKey + " names no configured key; "
                    + "configured: " + keys.keySet());
        }
        this.keys = Map.copyOf(keys);
        this.activeKey = activeKey;
    }

    private static Map<String, byte[]> decodeKeys(ScopedUrlProperties properties) {
        Map<String, byte[]> decoded = new LinkedHashMap<>();
        properties.keys().forEach((kid, secret) -> {
            if (secret == null || secret.isBlank()) {
                return;   // an emptied line removes a key
            }
            String s = secret.trim();
            try {
                decoded.put(kid, s.contains("-") || s.contains("_") ? B64D.decode(s) : Base64.getDecoder().decode(s));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("gateway.scoped-urls.keys." + kid + " is not valid base64");
            }
        });
        return decoded;
    }

    public String activeKey() {
        return activeKey;
    }

    /** A token for these claims, signed with the active key (the claims' kid is set to it). */
    public String sign(ScopedUrlClaims claims) {
        ScopedUrlClaims signed = claims.withKid(activeKey);
        ObjectNode payload = JSON.createObjectNode();
        payload.put("v", 1);
        payload.put("id", signed.id());
        payload.put("kid", signed.kid());
        payload.put("ten", signed.tenant());
        payload.put("con", signed.connection());
        ArrayNode groups = payload.putArray("grp");
        signed.groups().forEach(groups::add);
        ArrayNode tools = payload.putArray("tls");
        signed.tools().forEach(tools::add);
        payload.put("ro", signed.readOnly());
        payload.put("exp", signed.expiresAt());
        payload.put("tok", signed.requiresToken());
        String signedPart = activeKey + "." + B64.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        return signedPart + "." + B64.encodeToString(mac(keys.get(activeKey), signedPart));
    }

    /**
     * The claims of a token whose signature holds under a configured key, or {@link InvalidToken} (malformed,
     * unknown key, bad signature). Expiry and revocation are the caller's checks.
     */
    public ScopedUrlClaims verify(String token) throws InvalidToken {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidToken("malformed token", null);
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !KID.matcher(parts[0]).matches() || !PART.matcher(parts[1]).matches()
                || !PART.matcher(parts[2]).matches()) {
            throw new InvalidToken("malformed token", null);
        }
        byte[] key = keys.get(parts[0]);
        if (key == null) {
            throw new InvalidToken("unknown or removed key " + parts[0], null);
        }
        byte[] given;
        try {
            given = B64D.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new InvalidToken("malformed signature", null);
        }
        if (!MessageDigest.isEqual(given, mac(key, parts[0] + "." + parts[1]))) {
            throw new InvalidToken("bad signature", null);
        }
        try {
            JsonNode payload = JSON.readTree(B64D.decode(parts[1]));
            if (payload.path("v").asInt() != 1 || !parts[0].equals(payload.path("kid").asText())) {
                throw new InvalidToken("unsupported payload", payload.path("id").asText(null));
            }
            return new ScopedUrlClaims(text(payload, "id"), parts[0], text(payload, "ten"), text(payload, "con"),
                    strings(payload.path("grp")), strings(payload.path("tls")), payload.path("ro").asBoolean(true),
                    payload.path("exp").asLong(0), payload.path("tok").asBoolean(false));
        } catch (InvalidToken e) {
            throw e;
        } catch (Exception e) {
            // signed by us yet unreadable: only a bug could make one; refuse it all the same
            throw new InvalidToken("unreadable payload", null);
        }
    }

    private static String text(JsonNode payload, String field) throws InvalidToken {
        JsonNode value = payload.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidToken("payload without " + field, payload.path("id").asText(null));
        }
        return value.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static byte[] mac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(new SecretKeySpec(key, MAC));
            return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Why a token is refused (logged at DEBUG with the URL id only; never shown to the caller). */
    public static final class InvalidToken extends Exception {
        private final String urlId;

        public InvalidToken(String reason, String urlId) {
            super(reason, null, false, false);
            this.urlId = urlId;
        }

        public String urlId() {
            return urlId;
        }
    }
}
