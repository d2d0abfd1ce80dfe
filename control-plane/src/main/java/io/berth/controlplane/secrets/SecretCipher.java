package io.berth.controlplane.secrets;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * AES-256-GCM with one key of the control plane's, so that the store never holds a secret's value in clear. Each
 * value gets a fresh 96-bit nonce, and is bound (as associated data) to where it belongs (account, secret, version):
 * a ciphertext copied into another row, or another account's, does not decrypt. The key lives in a file of its own
 * (mode 0600), apart from the store, so a copy of the database alone reveals nothing.
 */
public final class SecretCipher
{
    /** Sealed values start with this, so that a later key or scheme can be told apart. */
    private static final String FORMAT = "v1:";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecureRandom random;

    public SecretCipher(byte[] key, SecureRandom random)
    {
        requireNonNull(key, "key is null");
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("an AES-256 key has " + KEY_BYTES + " bytes, got " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
        this.random = requireNonNull(random, "random is null");
    }

    /** A cipher with a new random key held only in memory: what it seals is lost with it (for tests and stores that live as long). */
    public static SecretCipher ephemeral()
    {
        return new SecretCipher(newKey(), new SecureRandom());
    }

    /** The key kept in keyFile, or a new one written there (mode 0600) the first time. */
    public static SecretCipher loadOrCreate(Path keyFile)
            throws IOException
    {
        if (Files.exists(keyFile)) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(keyFile);
            if (permissions.stream().anyMatch(permission -> permission.name().startsWith("GROUP") || permission.name().startsWith("OTHERS"))) {
                throw new IOException("the secrets key " + keyFile + " is readable by others (" + PosixFilePermissions.toString(permissions)
                        + "); make it rw------- (chmod 600) before starting");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(Files.readString(keyFile, UTF_8).strip());
            }
            catch (IllegalArgumentException e) {
                throw new IOException("the secrets key " + keyFile + " is not base64: " + e.getMessage(), e);
            }
            if (key.length != KEY_BYTES) {
                throw new IOException("the secrets key " + keyFile + " holds " + key.length + " bytes, not the " + KEY_BYTES + " of an AES-256 key");
            }
            return new SecretCipher(key, new SecureRandom());
        }
        Files.createDirectories(keyFile.toAbsolutePath().getParent());
        byte[] key = newKey();
        Path temporary = keyFile.resolveSibling(keyFile.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, Base64.getEncoder().encodeToString(key) + "\n", UTF_8);
        // renamed into place only when whole: a crash never leaves half a key that would lock every secret away
        Files.move(temporary, keyFile, StandardCopyOption.ATOMIC_MOVE);
        return new SecretCipher(key, new SecureRandom());
    }

    private static byte[] newKey()
    {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(KEY_BYTES * 8, new SecureRandom());
            return generator.generateKey().getEncoded();
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no AES", e);
        }
    }

    /** The value sealed for context: "v1:" and the base64 of nonce and ciphertext with its tag. */
    public String seal(byte[] plaintext, String context)
    {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            return FORMAT + Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed: " + e.getMessage(), e);
        }
    }

    public String seal(String plaintext, String context)
    {
        return seal(plaintext.getBytes(UTF_8), context);
    }

    /** The plaintext of a value sealed for context; fails when it was sealed with another key or for another context. */
    public byte[] open(String sealed, String context)
    {
        if (!sealed.startsWith(FORMAT)) {
            throw new IllegalStateException("a stored secret value is not in the format " + FORMAT + " this control plane writes");
        }
        byte[] bytes = Base64.getDecoder().decode(sealed.substring(FORMAT.length()));
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalStateException("a stored secret value is too short to be sealed");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(UTF_8));
            return cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
        }
        catch (AEADBadTagException e) {
            throw new IllegalStateException("a stored secret value does not decrypt with this control plane's key (a different secrets.key, or a value moved between rows)", e);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed: " + e.getMessage(), e);
        }
    }

    public String openString(String sealed, String context)
    {
        return new String(open(sealed, context), UTF_8);
    }
}
