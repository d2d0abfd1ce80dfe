package io.berth.agent.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * Blobs addressed by digest at {@code <root>/blobs/sha256/<hex>}. An ingest writes to a temporary file under
 * {@code <root>/ingest}, checks digest and size, then renames into place, so a blob is visible only once it is
 * complete and verified. Ingesting a blob twice (or concurrently) is harmless: both writers produce the same
 * bytes and the rename is atomic.
 */
public final class ContentStore
{
    private final Path blobs;
    private final Path ingest;

    public ContentStore(Path root)
            throws IOException
    {
        requireNonNull(root, "root is null");
        this.blobs = root.resolve("blobs").resolve("sha256");
        this.ingest = root.resolve("ingest");
        Files.createDirectories(blobs);
        Files.createDirectories(ingest);
    }

    /** Deletes partial ingests left by a crash; call once at agent start, before any pull. */
    public void removeInterruptedWork()
            throws IOException
    {
        try (var leftovers = Files.list(ingest)) {
            for (Path leftover : leftovers.toList()) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    public Path blobPath(Digest digest)
    {
        return blobs.resolve(digest.hex());
    }

    public boolean contains(Digest digest)
    {
        return Files.isRegularFile(blobPath(digest));
    }

    /** Every committed blob and its size in bytes; a blob removed meanwhile is left out. */
    public Map<Digest, Long> sizes()
            throws IOException
    {
        Map<Digest, Long> sizes = new HashMap<>();
        try (var entries = Files.list(blobs)) {
            for (Path blob : entries.toList()) {
                Optional<Digest> digest = digestOf(blob);
                if (digest.isEmpty()) {
                    continue;
                }
                try {
                    sizes.put(digest.get(), Files.size(blob));
                }
                catch (NoSuchFileException e) {
                    // removed since the listing
                }
            }
        }
        return sizes;
    }

    /** Removes a blob; removing one that is not there is fine. */
    public void remove(Digest digest)
            throws IOException
    {
        Files.deleteIfExists(blobPath(digest));
    }

    private static Optional<Digest> digestOf(Path blob)
    {
        try {
            return Optional.of(new Digest(blob.getFileName().toString()));
        }
        catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public byte[] read(Digest digest)
            throws IOException
    {
        return Files.readAllBytes(blobPath(digest));
    }

    /**
     * Copies the stream into the store and commits it under {@code expected} if its digest (and size, when
     * known) match; otherwise nothing becomes visible and {@link ContentVerificationException} is thrown.
     */
    public Path ingest(Digest expected, OptionalLong expectedSize, InputStream content)
            throws IOException
    {
        requireNonNull(expected, "expected is null");
        Path temporary = Files.createTempFile(ingest, expected.hex() + "-", ".partial");
        try {
            MessageDigest sha256 = Digest.newSha256();
            long size;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temporary), sha256)) {
                size = content.transferTo(out);
            }
            Digest actual = Digest.fromMessageDigest(sha256.digest());
            if (expectedSize.isPresent() && expectedSize.getAsLong() != size) {
                throw new ContentVerificationException("size mismatch for %s: expected %d bytes, got %d".formatted(expected, expectedSize.getAsLong(), size));
            }
            if (!actual.equals(expected)) {
                throw new ContentVerificationException("digest mismatch: expected %s, got %s".formatted(expected, actual));
            }
            return commit(temporary, expected);
        }
        finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Stores bytes already in memory (manifests, configs) under their own digest. */
    public Digest write(byte[] content)
            throws IOException
    {
        Digest digest = Digest.of(content);
        if (!contains(digest)) {
            ingest(digest, OptionalLong.of(content.length), new java.io.ByteArrayInputStream(content));
        }
        return digest;
    }

    private Path commit(Path temporary, Digest digest)
            throws IOException
    {
        Path target = blobPath(digest);
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (AtomicMoveNotSupportedException e) {
            throw new IOException("content store ingest directory and blob directory must be on one filesystem", e);
        }
        return target;
    }
}
