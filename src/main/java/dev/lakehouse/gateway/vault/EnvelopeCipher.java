package dev.lakehouse.gateway.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Envelope encryption of the vault's secrets (AES-256-GCM, the JDK's provider). Each connection has its own random
 * data key; the data key is stored wrapped by a master key, named by its key id. Every ciphertext carries associated
 * data that names where it belongs (tenant, connection, grant, field, version), so a ciphertext copied to another row
 * or restored from an older version fails to open. Rotation: configure a new master key and make it active; data keys
 * are re-wrapped ({@link #rewrap}) while the old key still opens the rest, until its line is removed.
 */
@Component
public class EnvelopeCipher {

    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeCipher.class);
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String FORMAT = "v1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, SecretKey> masterKeys;
    private final String activeKey;
    /** unwrapped data keys by their wrapped form (unwrapping costs an AES operation per call otherwise) */
    private final Map<String, SecretKey> dataKeys = new ConcurrentHashMap<>();

    /** A data key made for a connection: the raw key, and how it is stored. */
    public record DataKey(SecretKey key, String wrapped, String kid) {
    }

    @Autowired
    public EnvelopeCipher(VaultProperties properties) {
        this(masterKeys(properties), properties.activeKey());
    }

    EnvelopeCipher(Map<String, SecretKey> keys, String activeKey) {
        if (activeKey == null && keys.size() == 1) {
            activeKey = keys.keySet().iterator().next();
        }
        if (activeKey == null || !keys.containsKey(activeKey)) {
            throw new IllegalStateException("gateway.vault.active-key must name one of the master keys " + keys.keySet()
                    + " (the one that wraps new data keys)");
        }
        this.masterKeys = Map.copyOf(keys);
        this.activeKey = activeKey;
    }

    public String activeKey() {
        return activeKey;
    }

    /** Whether data keys wrapped by {@code kid} can be opened (its master key is configured). */
    public boolean knows(String kid) {
        return masterKeys.containsKey(kid);
    }

    /** A new random data key for a connection, wrapped by the active master key. */
    public DataKey newDataKey(String tenant, String connectionId) {
        byte[] raw = new byte[KEY_BYTES];
        RANDOM.nextBytes(raw);
        SecretKey key = new SecretKeySpec(raw, "AES");
        String wrapped = seal(masterKeys.get(activeKey), raw, dataKeyContext(tenant, connectionId, activeKey));
        dataKeys.put(wrapped, key);
        return new DataKey(key, wrapped, activeKey);
    }

    /** Opens a connection's data key; a wrong tenant, connection or key id fails. */
    public SecretKey dataKey(String wrapped, String kid, String tenant, String connectionId) {
        SecretKey cached = dataKeys.get(wrapped);
        if (cached != null) {
            return cached;
        }
        SecretKey master = masterKeys.get(kid);
        if (master == null) {
            throw new VaultCryptoException("The master key '" + kid + "' that protects this connection is not configured "
                    + "(gateway.vault.master-keys." + kid + ")");
        }
        SecretKey key = new SecretKeySpec(open(master, wrapped, dataKeyContext(tenant, connectionId, kid)), "AES");
        dataKeys.put(wrapped, key);
        return key;
    }

    /** The same data key wrapped by the active master key (rotation); null when it already is. */
    public DataKey rewrap(String wrapped, String kid, String tenant, String connectionId) {
        if (activeKey.equals(kid)) {
            return null;
        }
        SecretKey key = dataKey(wrapped, kid, tenant, connectionId);
        String rewrapped = seal(masterKeys.get(activeKey), key.getEncoded(), dataKeyContext(tenant, connectionId, activeKey));
        dataKeys.put(rewrapped, key);
        return new DataKey(key, rewrapped, activeKey);
    }

    /** Encrypts a secret under a data key, bound to {@code context} (where it belongs). Null stays null. */
    public String encrypt(SecretKey dataKey, String plaintext, String context) {
        return plaintext == null ? null : seal(dataKey, plaintext.getBytes(StandardCharsets.UTF_8), context);
    }

    /** Decrypts a secret; a ciphertext of another context (row, field, version) or a tampered one fails. */
    public String decrypt(SecretKey dataKey, String ciphertext, String context) {
        return ciphertext == null ? null : new String(open(dataKey, ciphertext, context), StandardCharsets.UTF_8);
    }

    /** For small tenant-level secrets (webhook signing secrets): sealed directly by a master key, its id inside. */
    public String sealWithMasterKey(String plaintext, String context) {
        return activeKey + ":" + seal(masterKeys.get(activeKey), plaintext.getBytes(StandardCharsets.UTF_8), context);
    }

    public String openWithMasterKey(String sealed, String context) {
        int colon = sealed == null ? -1 : sealed.indexOf(':');
        SecretKey master = colon < 0 ? null : masterKeys.get(sealed.substring(0, colon));
        if (master == null) {
            throw new VaultCryptoException("The master key of this secret is not configured");
        }
        return new String(open(master, sealed.substring(colon + 1), context), StandardCharsets.UTF_8);
    }

    private static String dataKeyContext(String tenant, String connectionId, String kid) {
        return "data-key|" + tenant + "|" + connectionId + "|" + kid;
    }

    private static String seal(SecretKey key, byte[] plaintext, String context) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD((FORMAT + "|" + context).getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return FORMAT + "." + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    private static byte[] open(SecretKey key, String sealed, String context) {
        if (!sealed.startsWith(FORMAT + ".")) {
            throw new VaultCryptoException("Unknown ciphertext format");
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(FORMAT.length() + 1));
            if (in.length < IV_BYTES + TAG_BITS / 8) {
                throw new VaultCryptoException("Ciphertext too short");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD((FORMAT + "|" + context).getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES);
        } catch (IllegalArgumentException e) {
            throw new VaultCryptoException("Ciphertext is not valid base64");
        } catch (javax.crypto.AEADBadTagException e) {
            throw new VaultCryptoException("Ciphertext does not belong here or was altered (authentication failed)");
        } catch (GeneralSecurityException e) {
            throw new VaultCryptoException("Ciphertext could not be opened (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The configured master keys; none: a required key stops startup, else a generated one kept in a file. */
    static Map<String, SecretKey> masterKeys(VaultProperties properties) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        properties.masterKeys().forEach((kid, value) -> {
            if (value == null || value.isBlank()) {
                return;   // an emptied line removes a key
            }
            keys.put(checkedKid(kid), key(kid, value.trim()));
        });
        if (!keys.isEmpty()) {
            return keys;
        }
        if (properties.requireKey()) {
            throw new IllegalStateException("No vault master key configured: set gateway.vault.master-keys.<kid>=<base64 "
                    + "of 32 random bytes> (openssl rand -base64 32) and gateway.vault.active-key=<kid> "
                    + "(or environment variables GATEWAY_VAULT_MASTERKEYS_<KID> and GATEWAY_VAULT_ACTIVE_KEY). The prod profile never generates one.");
        }
        return generatedKey(properties.generatedKeyFile());
    }

    private static Map<String, SecretKey> generatedKey(Path file) {
        try {
            Properties stored = new Properties();
            if (Files.exists(file)) {
                try (var in = Files.newBufferedReader(file)) {
                    stored.load(in);
                }
            } else {
                byte[] raw = new byte[KEY_BYTES];
                RANDOM.nextBytes(raw);
                stored.setProperty("generated", Base64.getEncoder().encodeToString(raw));
                if (file.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(file.toAbsolutePath().getParent());
                }
                Files.writeString(file, "# vault master key generated by the gateway (quick start only)\ngenerated="
                        + stored.getProperty("generated") + "\n");
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system: the file keeps its default permissions
                }
            }
            Map<String, SecretKey> keys = new LinkedHashMap<>();
            stored.stringPropertyNames().forEach(kid -> keys.put(checkedKid(kid), key(kid, stored.getProperty(kid))));
            LOG.warn("No gateway.vault.master-keys configured: connection secrets are encrypted with a generated key kept "
                    + "in {} beside the data. Fine for the quick start; in production configure a master key "
                    + "(profile prod refuses to start without one).", file.toAbsolutePath());
            return keys;
        } catch (IOException e) {
            throw new IllegalStateException("The vault key file " + file.toAbsolutePath() + " cannot be used: "
                    + e.getMessage() + ". Configure gateway.vault.master-keys.<kid> instead.");
        }
    }

    private static String checkedKid(String kid) {
        if (!KID.matcher(kid).matches()) {
            throw new IllegalStateException("gateway.vault.master-keys: key id '" + kid + "' must match [A-Za-z0-9_-]{1,32}");
        }
        return kid;
    }

    private static SecretKey key(String kid, String base64) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gateway.vault.master-keys." + kid + " is not valid base64");
        }
        if (raw.length != KEY_BYTES) {
            throw new IllegalStateException("gateway.vault.master-keys." + kid + " must be 32 bytes (AES-256), got "
                    + raw.length + " (openssl rand -base64 32)");
        }
        return new SecretKeySpec(raw, "AES");
    }
}
