package dev.lakehouse.gateway.mcp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;

/** HMAC-SHA256 keys and seals for what this server hands out and later trusts (requestState, session ids). */
final class Hmac {

    static final int MIN_KEY_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Hmac() {
    }

    /**
     * The key from its property (base64 or base64url of 32+ bytes); without one, a random key for this process only,
     * with a warning naming the property every replica must share.
     */
    static byte[] key(String base64Key, String property, String what, Logger log) {
        if (base64Key == null || base64Key.isBlank()) {
            byte[] key = new byte[MIN_KEY_BYTES];
            RANDOM.nextBytes(key);
            log.warn("No {} configured: {} is sealed with a random key made at startup, so it is good only on this "
                    + "process. Configure the same key (base64 of {}+ random bytes) on every replica.", property, what,
                    MIN_KEY_BYTES);
            return key;
        }
        String k = base64Key.trim();
        byte[] key = k.contains("-") || k.contains("_") ? Base64.getUrlDecoder().decode(k) : Base64.getDecoder().decode(k);
        requireLength(key, property);
        return key;
    }

    static void requireLength(byte[] key, String property) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalStateException(property + " is too short: " + key.length + " bytes; use at least "
                    + MIN_KEY_BYTES + " random bytes (e.g. openssl rand -base64 32)");
        }
    }

    static byte[] sha256(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
