package dev.lakehouse.gateway.vault;

import javax.crypto.SecretKey;

import org.springframework.stereotype.Component;

/**
 * Opens and seals the secret fields of a grant row. The associated data names tenant, connection, grant subject,
 * field and the row version the ciphertext was written at, so a ciphertext only opens in the row and version it was
 * written for: every write re-seals all secrets of the row for its new version.
 */
@Component
public class GrantSecrets {

    public static final String SECRET = "secret";
    public static final String ACCESS = "access_token";
    public static final String REFRESH = "refresh_token";

    private final EnvelopeCipher cipher;

    public GrantSecrets(EnvelopeCipher cipher) {
        this.cipher = cipher;
    }

    /** The plaintext secrets of a grant (kept in memory only as long as a call needs them). */
    public record Plain(String secret, String accessToken, String refreshToken) {
        @Override
        public String toString() {
            return "Plain[secret=" + (secret != null) + ", access=" + (accessToken != null) + ", refresh="
                    + (refreshToken != null) + "]";
        }
    }

    public Plain open(VaultConnection c, VaultGrant g) {
        SecretKey key = dataKey(c);
        return new Plain(cipher.decrypt(key, g.secret(), context(c, g.subject(), SECRET, g.version())),
                cipher.decrypt(key, g.accessToken(), context(c, g.subject(), ACCESS, g.version())),
                cipher.decrypt(key, g.refreshToken(), context(c, g.subject(), REFRESH, g.version())));
    }

    /** Seals {@code plain} into {@code draft} for the version the row will have after the fenced write. */
    public void seal(VaultConnection c, VaultGrant.Draft draft, Plain plain, long writtenVersion) {
        SecretKey key = dataKey(c);
        draft.secret = cipher.encrypt(key, plain.secret(), context(c, draft.subject, SECRET, writtenVersion));
        draft.accessToken = cipher.encrypt(key, plain.accessToken(), context(c, draft.subject, ACCESS, writtenVersion));
        draft.refreshToken = cipher.encrypt(key, plain.refreshToken(), context(c, draft.subject, REFRESH, writtenVersion));
    }

    private SecretKey dataKey(VaultConnection c) {
        return cipher.dataKey(c.dataKey(), c.dataKeyKid(), c.tenant(), c.id());
    }

    private static String context(VaultConnection c, String subject, String field, long version) {
        return "grant|" + c.tenant() + "|" + c.id() + "|" + subject + "|" + field + "|" + version;
    }
}
