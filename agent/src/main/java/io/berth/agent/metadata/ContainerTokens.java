package io.berth.agent.metadata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static java.util.Objects.requireNonNull;

/**
 * The unguessable token in each container's metadata URL: the task id, then an HMAC-SHA256 of the task id
 * and container name under a secret only this agent knows. Derived rather than stored, so a container keeps
 * its URL across agent restarts (the secret lives in a file only root can read) and nothing is added to the
 * task records.
 */
public final class ContainerTokens
{
    private static final String ALGORITHM = "HmacSHA256";
    private static final int SECRET_BYTES = 32;
    /** 128 bits of the MAC: far beyond guessing, short enough for a URL. */
    private static final int TOKEN_BYTES = 16;

    private final SecretKeySpec key;

    public ContainerTokens(byte[] secret)
    {
        requireNonNull(secret, "secret is null");
        if (secret.length < SECRET_BYTES) {
            throw new IllegalArgumentException("the token secret must have at least " + SECRET_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    /** Reads the agent's secret from the file, or makes a new random one there (readable by its owner only). */
    public static ContainerTokens fromSecretFile(Path file)
    {
        try {
            if (!Files.exists(file)) {
                byte[] secret = new byte[SECRET_BYTES];
                new SecureRandom().nextBytes(secret);
                Files.createDirectories(file.toAbsolutePath().getParent());
                Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
                Files.deleteIfExists(temporary);
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(temporary, secret);
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            }
            return new ContainerTokens(Files.readAllBytes(file));
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the task metadata secret " + file + ": " + e.getMessage(), e);
        }
    }

    public String token(String taskId, String containerName)
    {
        return taskId + "-" + HexFormat.of().formatHex(mac(taskId, containerName));
    }

    /** The task id a token names, when it has the shape of one; whether it is genuine is {@link #matches}'s to say. */
    public static Optional<String> taskIdOf(String token)
    {
        int dash = token.lastIndexOf('-');
        if (dash <= 0 || token.length() - dash - 1 != TOKEN_BYTES * 2) {
            return Optional.empty();
        }
        return Optional.of(token.substring(0, dash));
    }

    /** Whether the token is the one of this container, compared in constant time. */
    public boolean matches(String token, String taskId, String containerName)
    {
        return MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), token(taskId, containerName).getBytes(StandardCharsets.UTF_8));
    }

    private byte[] mac(String taskId, String containerName)
    {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            // a NUL between the two: no task id and name can be shifted into another pair with the same input
            byte[] full = mac.doFinal((taskId + "\0" + containerName).getBytes(StandardCharsets.UTF_8));
            byte[] token = new byte[TOKEN_BYTES];
            System.arraycopy(full, 0, token, 0, TOKEN_BYTES);
            return token;
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
