package dev.lakehouse.emulator.cloud;

import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Google service account: its e-mail, numeric unique id (the {@code sub} of its ID tokens) and the public halves
 * of its keys by {@code private_key_id}. The private halves are handed out once, in the key JSON, never kept.
 */
public final class GoogleServiceAccount {

    private final String email;
    private final String uniqueId;
    private final String projectId;
    private final Map<String, RSAPublicKey> keys = new ConcurrentHashMap<>();

    GoogleServiceAccount(String email, String uniqueId, String projectId) {
        this.email = email;
        this.uniqueId = uniqueId;
        this.projectId = projectId;
    }

    public String email() { return email; }
    public String uniqueId() { return uniqueId; }
    public String projectId() { return projectId; }

    public java.util.List<String> keyIds() {
        return java.util.List.copyOf(new java.util.TreeSet<>(keys.keySet()));
    }

    RSAPublicKey key(String keyId) {
        return keyId == null ? null : keys.get(keyId);
    }

    boolean hasKey(String keyId) {
        return keyId != null && keys.containsKey(keyId);
    }

    void addKey(String keyId, RSAPublicKey key) {
        keys.put(keyId, key);
    }

    boolean removeKey(String keyId) {
        return keys.remove(keyId) != null;
    }
}
