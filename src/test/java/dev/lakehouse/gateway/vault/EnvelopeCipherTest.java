package dev.lakehouse.gateway.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.SecretKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Envelope encryption: contexts bind ciphertexts, tampering fails, master keys rotate, keys are required in prod. */
class EnvelopeCipherTest {

    private static final String K1 = key();
    private static final String K2 = key();

    @Test
    void aSecretOpensOnlyInTheContextItWasSealedFor() {
        EnvelopeCipher cipher = cipher(Map.of("k1", K1), null);
        EnvelopeCipher.DataKey dataKey = cipher.newDataKey("acme", "conn-1");
        String sealed = cipher.encrypt(dataKey.key(), "dapi-secret-value", "grant|acme|conn-1||secret|3");
        assertThat(sealed).doesNotContain("dapi-secret-value");
        assertThat(cipher.decrypt(dataKey.key(), sealed, "grant|acme|conn-1||secret|3")).isEqualTo("dapi-secret-value");
        // the same bytes in another row, field or version do not open
        for (String other : new String[] {"grant|acme|conn-2||secret|3", "grant|acme|conn-1||access_token|3",
                "grant|acme|conn-1||secret|4", "grant|globex|conn-1||secret|3", "grant|acme|conn-1|alice|secret|3"}) {
            assertThatThrownBy(() -> cipher.decrypt(dataKey.key(), sealed, other)).as(other)
                    .isInstanceOf(VaultCryptoException.class).hasMessageContaining("does not belong here");
        }
        // the same bytes under another connection's data key do not open
        SecretKey otherKey = cipher.newDataKey("acme", "conn-2").key();
        assertThatThrownBy(() -> cipher.decrypt(otherKey, sealed, "grant|acme|conn-1||secret|3"))
                .isInstanceOf(VaultCryptoException.class);
    }

    @Test
    void anAlteredCiphertextFailsWithoutSayingWhatItHeld() {
        EnvelopeCipher cipher = cipher(Map.of("k1", K1), null);
        SecretKey key = cipher.newDataKey("acme", "c").key();
        String sealed = cipher.encrypt(key, "client-secret-123", "ctx");
        byte[] raw = Base64.getDecoder().decode(sealed.substring(3));
        for (int i : new int[] {0, 13, raw.length - 1}) {
            byte[] flipped = raw.clone();
            flipped[i] ^= 0x01;
            String tampered = "v1." + Base64.getEncoder().encodeToString(flipped);
            assertThatThrownBy(() -> cipher.decrypt(key, tampered, "ctx")).isInstanceOf(VaultCryptoException.class)
                    .hasMessageNotContaining("client-secret-123");
        }
        assertThatThrownBy(() -> cipher.decrypt(key, "v1.!!!", "ctx")).isInstanceOf(VaultCryptoException.class);
        assertThatThrownBy(() -> cipher.decrypt(key, "v1.AAAA", "ctx")).isInstanceOf(VaultCryptoException.class);
        assertThatThrownBy(() -> cipher.decrypt(key, "v9.AAAA", "ctx")).isInstanceOf(VaultCryptoException.class);
    }

    @Test
    void aDataKeyIsBoundToItsTenantAndConnection() {
        EnvelopeCipher cipher = cipher(Map.of("k1", K1), null);
        EnvelopeCipher.DataKey dataKey = cipher.newDataKey("acme", "conn-1");
        EnvelopeCipher fresh = cipher(Map.of("k1", K1), null);   // no cache: unwraps for real
        assertThat(fresh.dataKey(dataKey.wrapped(), "k1", "acme", "conn-1").getEncoded()).isEqualTo(dataKey.key().getEncoded());
        assertThatThrownBy(() -> cipher(Map.of("k1", K1), null).dataKey(dataKey.wrapped(), "k1", "globex", "conn-1"))
                .isInstanceOf(VaultCryptoException.class);
        assertThatThrownBy(() -> cipher(Map.of("k1", K1), null).dataKey(dataKey.wrapped(), "k1", "acme", "conn-9"))
                .isInstanceOf(VaultCryptoException.class);
    }

    @Test
    void masterKeysRotateByRewrappingWhileTheOldKeyStillOpens() {
        EnvelopeCipher before = cipher(Map.of("k1", K1), null);
        EnvelopeCipher.DataKey dataKey = before.newDataKey("acme", "c1");
        String sealed = before.encrypt(dataKey.key(), "secret", "ctx");

        Map<String, String> both = new LinkedHashMap<>();
        both.put("k1", K1);
        both.put("k2", K2);
        EnvelopeCipher during = cipher(both, "k2");
        assertThat(during.rewrap(dataKey.wrapped(), "k2", "acme", "c1")).as("already the active key").isNull();
        EnvelopeCipher.DataKey rewrapped = during.rewrap(dataKey.wrapped(), "k1", "acme", "c1");
        assertThat(rewrapped.kid()).isEqualTo("k2");
        assertThat(rewrapped.wrapped()).isNotEqualTo(dataKey.wrapped());
        // old-wrapped rows still open during the rotation
        assertThat(during.decrypt(during.dataKey(dataKey.wrapped(), "k1", "acme", "c1"), sealed, "ctx")).isEqualTo("secret");

        EnvelopeCipher after = cipher(Map.of("k2", K2), null);
        assertThat(after.decrypt(after.dataKey(rewrapped.wrapped(), "k2", "acme", "c1"), sealed, "ctx")).isEqualTo("secret");
        assertThatThrownBy(() -> after.dataKey(dataKey.wrapped(), "k1", "acme", "c1"))
                .isInstanceOf(VaultCryptoException.class).hasMessageContaining("gateway.vault.master-keys.k1");
    }

    @Test
    void productionRefusesToStartWithoutAKeyAndBadKeysAreNamed() {
        assertThatThrownBy(() -> new EnvelopeCipher(properties(Map.of(), null, true, null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("No vault master key configured");
        assertThatThrownBy(() -> cipher(Map.of("k1", "not base64!"), null)).hasMessageContaining("not valid base64");
        assertThatThrownBy(() -> cipher(Map.of("k1", Base64.getEncoder().encodeToString(new byte[16])), null))
                .hasMessageContaining("must be 32 bytes");
        assertThatThrownBy(() -> cipher(Map.of("k 1", K1), null)).hasMessageContaining("key id 'k 1'");
        Map<String, String> two = new LinkedHashMap<>();
        two.put("k1", K1);
        two.put("k2", K2);
        assertThatThrownBy(() -> cipher(two, null)).hasMessageContaining("gateway.vault.active-key");
        assertThatThrownBy(() -> cipher(two, "k3")).hasMessageContaining("gateway.vault.active-key");
    }

    @Test
    void theQuickStartKeepsAGeneratedKeyBesideItsData(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data").resolve("vault-master.key");
        EnvelopeCipher first = new EnvelopeCipher(properties(Map.of(), null, false, file));
        assertThat(file).exists();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        EnvelopeCipher.DataKey dataKey = first.newDataKey("demo", "c");
        String sealed = first.encrypt(dataKey.key(), "secret", "ctx");
        // after a restart the same file opens what the first process sealed
        EnvelopeCipher second = new EnvelopeCipher(properties(Map.of(), null, false, file));
        assertThat(second.decrypt(second.dataKey(dataKey.wrapped(), dataKey.kid(), "demo", "c"), sealed, "ctx")).isEqualTo("secret");
    }

    static EnvelopeCipher cipher(Map<String, String> keys, String active) {
        return new EnvelopeCipher(properties(keys, active, false, null));
    }

    static VaultProperties properties(Map<String, String> keys, String active, boolean require, Path file) {
        return new VaultProperties(keys, active, require, file, null, 0, null, null, null, null, null, null, null, null,
                null, null, null, 0, null, null, null);
    }

    private static String key() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }
}
