package io.berth.common.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

import static java.util.Objects.requireNonNull;

/**
 * The bearer token that lets a reader (Prometheus, the operator) scrape {@code /metrics}. It lives in a file readable
 * by its owner only (mode 0600), made on first use, so Prometheus can point its {@code credentials_file} at it.
 */
public final class MetricsToken
{
    public static final String FILE_NAME = "metrics-token";
    private static final int TOKEN_BYTES = 32;

    private final String token;

    public MetricsToken(String token)
    {
        requireNonNull(token, "token is null");
        if (token.isBlank() || token.strip().length() != token.length() || token.length() < 16) {
            throw new IllegalArgumentException("a metrics token has at least 16 characters and no surrounding whitespace");
        }
        this.token = token;
    }

    /** The token in file, or a new random one written there (0600) when the file does not exist. */
    public static MetricsToken loadOrCreate(Path file)
            throws IOException
    {
        if (Files.exists(file)) {
            return read(file);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        byte[] random = new byte[TOKEN_BYTES];
        new SecureRandom().nextBytes(random);
        String value = HexFormat.of().formatHex(random);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, value + "\n");
        try {
            // another process making the same file meanwhile wins; both then read the one that stayed
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(temporary);
        }
        return read(file);
    }

    private static MetricsToken read(Path file)
            throws IOException
    {
        String value = Files.readString(file).strip();
        try {
            return new MetricsToken(value);
        }
        catch (IllegalArgumentException e) {
            throw new IOException("the metrics token in " + file + " is not usable: " + e.getMessage() + " (delete the file to get a new one)", e);
        }
    }

    /** Whether an Authorization header carries this token as "Bearer TOKEN" (compared in constant time). */
    public boolean authorizes(String authorizationHeader)
    {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] presented = authorizationHeader.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, token.getBytes(StandardCharsets.UTF_8));
    }

    /** The Authorization header value a scraper sends. */
    public String authorizationHeader()
    {
        return "Bearer " + token;
    }

    @Override
    public String toString()
    {
        return "MetricsToken[redacted]";
    }
}
