package io.berth.agent.images;

import io.berth.common.files.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Unpacked layers at {@code <root>/layers/sha256/<diff id hex>}, each unpacked once and then shared read-only.
 * A layer is unpacked into a temporary directory and renamed into place only after its diff id checked out,
 * so a half-unpacked or wrong layer is never used, even after a crash. Beside each layer, under
 * {@code <root>/layers/sizes/<diff id hex>}, its unpacked size, so a pull can count a layer it finds on the host
 * against the image limit without reading the layer again.
 */
public final class LayerStore
{
    private static final Logger log = LoggerFactory.getLogger(LayerStore.class);

    private final Path layers;
    private final Path unpacking;
    private final Path sizes;
    private final Path removing;
    private final LayerUnpacker unpacker;

    public LayerStore(Path root, LayerUnpacker unpacker)
            throws IOException
    {
        requireNonNull(root, "root is null");
        this.unpacker = requireNonNull(unpacker, "unpacker is null");
        this.layers = root.resolve("layers").resolve("sha256");
        this.unpacking = root.resolve("layers").resolve("unpacking");
        this.sizes = root.resolve("layers").resolve("sizes");
        this.removing = root.resolve("layers").resolve("removing");
        Files.createDirectories(layers);
        Files.createDirectories(removing);
        Files.createDirectories(unpacking);
        Files.createDirectories(sizes);
    }

    /** Deletes what interrupted unpacks and removals left behind; call once at agent start, before any pull. */
    public void removeInterruptedWork()
            throws IOException
    {
        for (Path directory : List.of(unpacking, removing)) {
            try (var leftovers = Files.list(directory)) {
                for (Path leftover : leftovers.toList()) {
                    FileTrees.deleteRecursively(leftover);
                }
            }
        }
        try (var partialSizes = Files.list(sizes)) {
            for (Path partial : partialSizes.filter(path -> path.getFileName().toString().endsWith(".partial")).toList()) {
                Files.deleteIfExists(partial);
            }
        }
    }

    public Path layerPath(Digest diffId)
    {
        return layers.resolve(diffId.hex());
    }

    public boolean contains(Digest diffId)
    {
        return Files.isDirectory(layerPath(diffId));
    }

    /**
     * The unpacked size of a layer on the host: as counted when it was unpacked, or (for a layer unpacked before
     * sizes were recorded) the sum of its files' sizes, then recorded.
     */
    public long unpackedSize(Digest diffId)
            throws IOException
    {
        Path recorded = sizes.resolve(diffId.hex());
        if (Files.isRegularFile(recorded)) {
            try {
                return Long.parseLong(Files.readString(recorded).strip());
            }
            catch (NumberFormatException e) {
                log.warn("layer {}: unreadable recorded size; measuring the layer again", diffId);
            }
        }
        long[] total = {0};
        Files.walkFileTree(layerPath(diffId), new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
            {
                total[0] += attributes.isRegularFile() ? attributes.size() : 0;
                return FileVisitResult.CONTINUE;
            }
        });
        recordSize(diffId, total[0]);
        return total[0];
    }

    /** Every unpacked layer (by diff id) and its unpacked size; see {@link #unpackedSize}. */
    public Map<Digest, Long> sizes()
            throws IOException
    {
        Map<Digest, Long> found = new HashMap<>();
        try (var entries = Files.list(layers)) {
            for (Path layer : entries.toList()) {
                Digest diffId;
                try {
                    diffId = new Digest(layer.getFileName().toString());
                }
                catch (IllegalArgumentException e) {
                    continue;
                }
                try {
                    found.put(diffId, unpackedSize(diffId));
                }
                catch (NoSuchFileException e) {
                    // removed since the listing
                }
            }
        }
        return found;
    }

    /**
     * Removes an unpacked layer. It is first renamed out of {@code layers/sha256}, so a removal cut short never
     * leaves a partial layer that a pull would take for a whole one; removing one that is not there is fine. The
     * caller makes sure no task uses the layer and no pull is working on it.
     */
    public void remove(Digest diffId)
            throws IOException
    {
        Path layer = layerPath(diffId);
        if (Files.exists(layer, LinkOption.NOFOLLOW_LINKS)) {
            Path doomed = removing.resolve(diffId.hex() + "-" + UUID.randomUUID());
            Files.move(layer, doomed, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(sizes.resolve(diffId.hex()));
            FileTrees.deleteRecursively(doomed);
        }
        else {
            Files.deleteIfExists(sizes.resolve(diffId.hex()));
        }
    }

    private void recordSize(Digest diffId, long bytes)
            throws IOException
    {
        Path temporary = Files.createTempFile(sizes, diffId.hex().substring(0, 12) + "-", ".partial");
        try {
            Files.writeString(temporary, Long.toString(bytes));
            Files.move(temporary, sizes.resolve(diffId.hex()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Unpacks the blob unless the layer is already there, within what is left of the pull's {@code budget}; a
     * layer past a limit stops at once and its partial unpack is removed. Callers serialize calls per diff id.
     * Throws {@link ContentVerificationException} when the uncompressed content is not the promised diff id.
     */
    public Path unpack(Digest diffId, Path blob, UnpackBudget budget)
            throws IOException
    {
        Path target = layerPath(diffId);
        if (Files.isDirectory(target)) {
            return target;
        }
        Path temporary = Files.createTempDirectory(unpacking, diffId.hex().substring(0, 12) + "-");
        try {
            // The layer directory becomes "/" in the container: it must be traversable by every user.
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rwxr-xr-x"));
            Digest actual;
            UnpackBudget.Layer share = budget.layer();
            try (InputStream in = Files.newInputStream(blob)) {
                actual = unpacker.unpack(in, temporary, share);
            }
            if (!actual.equals(diffId)) {
                throw new ContentVerificationException("layer diff id mismatch: the image config says %s, the layer content is %s".formatted(diffId, actual));
            }
            recordSize(diffId, share.bytes());
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            }
            catch (AtomicMoveNotSupportedException e) {
                throw new IOException("layer unpack directory and layer directory must be on one filesystem", e);
            }
            catch (IOException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
                // Another process unpacked the same layer first (rename fails on a non-empty target); its copy is as good as ours.
                log.debug("layer {} appeared while unpacking; keeping the existing copy", diffId);
            }
            log.info("layer {} unpacked", diffId);
            return target;
        }
        finally {
            FileTrees.deleteRecursively(temporary);
        }
    }
}
