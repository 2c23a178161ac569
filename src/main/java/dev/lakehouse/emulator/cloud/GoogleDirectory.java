package dev.lakehouse.emulator.cloud;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.Json;

/** The service accounts of the emulated Google Cloud, by lower-case e-mail, and their keys. */
public final class GoogleDirectory {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, GoogleServiceAccount> accounts = new LinkedHashMap<>();

    public synchronized GoogleServiceAccount create(String email) {
        String key = email.toLowerCase(Locale.ROOT);
        if (accounts.containsKey(key)) {
            throw new ApiException(409, "RESOURCE_ALREADY_EXISTS", "Service account '" + email + "' already exists");
        }
        int at = email.indexOf('@');
        String domain = email.substring(at + 1);
        String project = domain.endsWith(".iam.gserviceaccount.com")
                ? domain.substring(0, domain.length() - ".iam.gserviceaccount.com".length()) : "emulator-project";
        // unique ids of service accounts are 21-digit decimal numbers
        String uniqueId = "1" + String.format("%020d", Math.floorMod(RANDOM.nextLong(), 100_000_000_000_000_000L));
        GoogleServiceAccount account = new GoogleServiceAccount(email, uniqueId, project);
        accounts.put(key, account);
        return account;
    }

    /** The account, or null when unknown or deleted. */
    public synchronized GoogleServiceAccount find(String email) {
        return email == null ? null : accounts.get(email.toLowerCase(Locale.ROOT));
    }

    public GoogleServiceAccount require(String email) {
        GoogleServiceAccount account = find(email);
        if (account == null) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Service account '" + email + "' does not exist");
        }
        return account;
    }

    public synchronized GoogleServiceAccount delete(String email) {
        GoogleServiceAccount removed = email == null ? null : accounts.remove(email.toLowerCase(Locale.ROOT));
        if (removed == null) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Service account '" + email + "' does not exist");
        }
        return removed;
    }

    public boolean deleteKey(GoogleServiceAccount account, String keyId) {
        return account.removeKey(keyId);
    }

    public synchronized List<GoogleServiceAccount> accounts() {
        return List.copyOf(accounts.values());
    }

    /**
     * A new key of the account, returned as the key JSON Google issues for it (the only copy of the private key).
     * {@code tokenUri} is where clients post their assertions: this emulator.
     */
    public ObjectNode newKey(GoogleServiceAccount account, String tokenUri) {
        KeyPair pair = generate();
        String keyId = HexFormat.of().formatHex(randomBytes(20));
        account.addKey(keyId, (RSAPublicKey) pair.getPublic());
        ObjectNode json = Json.obj();
        json.put("type", "service_account");
        json.put("project_id", account.projectId());
        json.put("private_key_id", keyId);
        json.put("private_key", pem(pair.getPrivate().getEncoded()));
        json.put("client_email", account.email());
        json.put("client_id", account.uniqueId());
        json.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
        json.put("token_uri", tokenUri);
        json.put("auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs");
        json.put("client_x509_cert_url", "https://www.googleapis.com/robot/v1/metadata/x509/"
                + account.email().replace("@", "%40"));
        json.put("universe_domain", "googleapis.com");
        return json;
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is not available", e);
        }
    }

    /** PKCS#8 DER as PEM, 64 base64 characters a line, as in Google's key files. */
    private static String pem(byte[] pkcs8) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pkcs8);
        return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
