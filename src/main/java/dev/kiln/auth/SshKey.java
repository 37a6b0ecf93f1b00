package dev.kiln.auth;

import static java.util.Objects.requireNonNull;

import dev.kiln.workload.KilnException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * An SSH public key registered on a user. {@code publicKey} is the base64 key blob of an OpenSSH public key line
 * ({@code ecdsa-sha2-nistp256 AAAA... comment}); {@code fingerprint} is OpenSSH's {@code SHA256:...} form of it.
 */
public record SshKey(String id, String userId, String name, String type, String publicKey, String fingerprint, Instant createdAt) {
    /**
     * Key types the SSH server accepts. Not ssh-ed25519: Apache MINA SSHD verifies Ed25519 only through an extra
     * provider (net.i2p eddsa or BouncyCastle) that this build does not ship, so such a key could never log in.
     */
    public static final Set<String> TYPES = Set.of("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa");

    public SshKey {
        requireNonNull(id, "id is null");
        requireNonNull(userId, "userId is null");
        requireNonNull(publicKey, "publicKey is null");
    }

    /** The type and blob of an OpenSSH public key line; 400 naming the field when it is not one. */
    public record Parsed(String type, String blob, String comment) {
        public String fingerprint() {
            return SshKey.fingerprint(Base64.getDecoder().decode(blob));
        }
    }

    public static Parsed parse(String line) {
        if (line == null || line.isBlank()) {
            throw new KilnException.Invalid("publicKey", "publicKey is required: an OpenSSH public key line like 'ecdsa-sha2-nistp256 AAAA... me@host'");
        }
        String[] parts = line.strip().split("\\s+", 3);
        if (parts[0].equals("ssh-ed25519")) {
            throw new KilnException.Invalid("publicKey", "ssh-ed25519 keys are not supported yet; use an ECDSA or RSA key"
                    + " (ssh-keygen -t ecdsa)");
        }
        if (parts.length < 2 || !TYPES.contains(parts[0])) {
            throw new KilnException.Invalid("publicKey", "publicKey must be '<type> <base64> [comment]' with type one of "
                    + String.join(", ", TYPES.stream().sorted().toList()));
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new KilnException.Invalid("publicKey", "the key's second field is not base64");
        }
        // the blob starts with its own type as an SSH string: a pasted key that was cut or mixed up shows here
        String inner = null;
        if (blob.length >= 4) {
            int n = ByteBuffer.wrap(blob).getInt();
            if (n > 0 && n <= blob.length - 4) {
                inner = new String(blob, 4, n, StandardCharsets.US_ASCII);
            }
        }
        if (!parts[0].equals(inner)) {
            throw new KilnException.Invalid("publicKey", "the key data is not a " + parts[0] + " key");
        }
        return new Parsed(parts[0], parts[1], parts.length > 2 ? parts[2] : "");
    }

    /** OpenSSH's fingerprint of a key blob: SHA256: and the unpadded base64 of its SHA-256. */
    public static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
