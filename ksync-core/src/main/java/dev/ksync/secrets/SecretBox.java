package dev.ksync.secrets;

import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest (Klaviyo API keys) with AES-256-GCM. Layout of a sealed value: 12-byte random nonce,
 * then ciphertext with its 16-byte tag. The associated data binds a ciphertext to its row (e.g. the account id), so
 * a ciphertext copied onto another account does not decrypt.
 */
public final class SecretBox {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    static final String KEY_FILE = "secret.key";

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    private SecretBox(byte[] keyBytes) {
        this.key = new SecretKeySpec(keyBytes, "AES");
    }

    /** A box keyed by SHA-256 of the given passphrase (KSYNC_SECRET_KEY). */
    public static SecretBox fromPassphrase(Secret passphrase) {
        try {
            return new SecretBox(MessageDigest.getInstance("SHA-256")
                    .digest(passphrase.value().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /**
     * The box for this configuration: KSYNC_SECRET_KEY when set; in embedded mode without it, a random key kept in
     * {@code dataDir/secret.key} (mode 0600, created on first use); with DATABASE_URL and no key, a clear failure,
     * because a key file on one node would make the shared database unreadable to the others.
     */
    public static SecretBox forConfig(AppConfig config) {
        if (config.secretKey().isPresent()) {
            return fromPassphrase(config.secretKey().get());
        }
        if (!config.database().embedded()) {
            throw new KsyncException(ErrorKind.BAD_INPUT, "missing_secret_key",
                    "KSYNC_SECRET_KEY is required when DATABASE_URL is set (it encrypts Klaviyo API keys in the shared"
                            + " database). Generate one with `openssl rand -base64 32` and set it on every node.",
                    Map.of("variable", "KSYNC_SECRET_KEY"));
        }
        return fromPassphrase(new Secret(keyFile(keyFile(config))));
    }

    /** Where embedded mode without KSYNC_SECRET_KEY keeps its key ({@link #forConfig} makes it on first use). */
    public static Path keyFile(AppConfig config) {
        return config.dataDir().resolve(KEY_FILE);
    }

    private static String keyFile(Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                byte[] raw = new byte[32];
                new SecureRandom().nextBytes(raw);
                try {
                    Files.writeString(file, Base64.getEncoder().encodeToString(raw), StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE);
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first: use theirs
                }
            }
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new KsyncException(ErrorKind.INTERNAL, "secret_key_file",
                    "Could not read or create the key file " + file + ": " + e.getMessage(), Map.of(), e);
        }
    }

    public byte[] seal(String plaintext, String associatedData) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(nonce.length + ct.length).put(nonce).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    public String open(byte[] sealed, String associatedData) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            c.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new KsyncException(ErrorKind.INTERNAL, "secret_undecryptable",
                    "A stored secret could not be decrypted: KSYNC_SECRET_KEY differs from the one it was stored with",
                    Map.of(), null);
        }
    }
}
