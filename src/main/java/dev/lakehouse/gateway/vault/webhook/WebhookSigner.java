package dev.lakehouse.gateway.vault.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signatures after the Standard Webhooks convention (standardwebhooks.com), so a receiver can verify them
 * with any of its libraries:
 * <pre>
 * webhook-id:        the event id (the same on every attempt: the receiver's idempotency key)
 * webhook-timestamp: unix seconds of this attempt
 * webhook-signature: v1,&lt;base64 of HMAC-SHA256(key, "{id}.{timestamp}.{body}")&gt;
 * </pre>
 * The secret reads {@code whsec_<base64>}; the HMAC key is the base64-decoded part (24 to 64 bytes). The timestamp is
 * signed too, so a receiver that rejects old timestamps ({@link #verify}) is safe from replays of captured requests.
 */
public final class WebhookSigner {

    public static final String SECRET_PREFIX = "whsec_";
    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    /** How far a receiver should let a timestamp stray from its clock (the convention's suggestion). */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);
    static final int MIN_KEY_BYTES = 24;
    static final int MAX_KEY_BYTES = 64;
    private static final int GENERATED_KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSigner() {
    }

    /** A new secret: {@code whsec_} and the base64 of 32 random bytes. */
    public static String newSecret() {
        byte[] key = new byte[GENERATED_KEY_BYTES];
        RANDOM.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** Whether {@code secret} is {@code whsec_} followed by the base64 of 24 to 64 bytes. */
    public static boolean isValidSecret(String secret) {
        try {
            key(secret);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The {@code webhook-signature} value of one attempt: {@code v1,<base64 HMAC-SHA256>}. */
    public static String sign(String secret, String id, long timestamp, String body) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(key(secret), id, timestamp, body));
    }

    /**
     * What a receiver does: true when the timestamp is within {@code tolerance} of {@code now} and one of the
     * space-separated {@code v1,} signatures of the header is the HMAC of {@code "{id}.{timestamp}.{body}"} under the
     * secret. {@code body} must be the raw request body, exactly as received (not re-serialized JSON).
     */
    public static boolean verify(String secret, String id, String timestampHeader, String signatureHeader, String body,
            Duration tolerance, Instant now) {
        if (id == null || timestampHeader == null || signatureHeader == null || body == null || !isValidSecret(secret)) {
            return false;
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        // too old (a replay) or too far ahead alike
        if (Math.abs(now.getEpochSecond() - timestamp) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = hmac(key(secret), id, timestamp, body);
        for (String candidate : signatureHeader.trim().split(" +")) {
            if (!candidate.startsWith("v1,")) {
                continue;   // other schemes (v1a: asymmetric) are not ours
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(candidate.substring(3));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (MessageDigest.isEqual(expected, given)) {   // constant time
                return true;
            }
        }
        return false;
    }

    /** {@link #verify(String, String, String, String, String, Duration, Instant)} now, with the default tolerance. */
    public static boolean verify(String secret, String id, String timestampHeader, String signatureHeader, String body) {
        return verify(secret, id, timestampHeader, signatureHeader, body, DEFAULT_TOLERANCE, Instant.now());
    }

    private static byte[] key(String secret) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
            throw new IllegalArgumentException("not a whsec_ secret");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64");
        }
        if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key of " + key.length + " bytes");
        }
        return key;
    }

    private static byte[] hmac(byte[] key, String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }
}
