package dev.lakehouse.gateway.vault;

/**
 * A ciphertext that does not open: tampered, moved to another row, from an older version, or wrapped by a master key
 * that is no longer configured. The message never carries key material or plaintext.
 */
public class VaultCryptoException extends RuntimeException {

    public VaultCryptoException(String message) {
        super(message, null, false, false);
    }
}
