package io.berth.agent.images;

import io.berth.common.files.FileTrees;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.util.Objects.requireNonNull;

/**
 * Unpacks one layer (tar, tar+gzip or tar+zstd, told apart by magic bytes) into an empty directory and returns
 * the layer's diff id (sha256 of the uncompressed tar).
 *
 * <p>Safety: an entry whose path is absolute or climbs with {@code ..} is refused; nothing is ever written
 * through an existing symbolic link (every parent component is checked without following links, and an
 * existing final component is removed before the new one is created); hard links must point at an entry
 * already inside the layer; symbolic links with a relative target must stay inside the layer (absolute
 * targets are fine: they are resolved inside the container's root at run time). Any of these fails the layer.
 *
 * <p>Device nodes and FIFOs are skipped with a log line rather than refused: a container gets its /dev from
 * the runtime, so the nodes some old base images ship are never used, and creating host devices from an
 * image would be a privilege the image must not get. Refusing them would make such images unusable for nothing.
 *
 * <p>OCI whiteouts become overlayfs whiteouts: {@code .wh.NAME} a 0/0 character device NAME,
 * {@code .wh..wh..opq} the opaque xattr on its directory. A whiteout acts only on a name in its own directory
 * inside the layer; one that names nothing, {@code .}, {@code ..} or (opaque) the layer root fails the layer.
 *
 * <p>Limits: every uncompressed byte and every entry is charged to an {@link UnpackBudget} as it is read, so a
 * layer past a limit (a gzip bomb) fails at the limit rather than at a full disk.
 */
public final class LayerUnpacker
{
    private static final Logger log = LoggerFactory.getLogger(LayerUnpacker.class);
    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String OPAQUE_MARKER = ".wh..wh..opq";
    private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};
    private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
    private static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
    private static final byte[] BZIP2_MAGIC = {'B', 'Z', 'h'};

    private static final int READ_AHEAD_CHUNK_BYTES = 256 << 10;
    private static final int READ_AHEAD_CHUNKS = 8;

    private final OverlayWhiteouts whiteouts;
    private final boolean setOwners;

    public LayerUnpacker()
    {
        this(new OverlayWhiteouts(), "root".equals(System.getProperty("user.name")));
    }

    /** {@code setOwners}: apply the tar's uid/gid (needs root; without it every file belongs to the agent's user). */
    public LayerUnpacker(OverlayWhiteouts whiteouts, boolean setOwners)
    {
        this.whiteouts = requireNonNull(whiteouts, "whiteouts is null");
        this.setOwners = setOwners;
    }

    /** Unpacks into {@code target}, an existing empty directory, without limits; returns the diff id of the uncompressed tar. */
    public Digest unpack(InputStream layer, Path target)
            throws IOException
    {
        return unpack(layer, target, UnpackBudget.unlimited().layer());
    }

    /**
     * Unpacks into {@code target}, an existing empty directory, charging every uncompressed byte and every entry
     * to {@code budget} as it goes; returns the diff id of the uncompressed tar. On a refusal the caller removes
     * {@code target}: it may hold part of the layer.
     */
    public Digest unpack(InputStream layer, Path target, UnpackBudget.Layer budget)
            throws IOException
    {
        MessageDigest diffId = Digest.newSha256();
        // decompression runs a few chunks ahead on a thread of its own, beside the writing of the files
        BudgetedInputStream budgeted = new BudgetedInputStream(new ReadAheadInputStream(decompress(new BufferedInputStream(layer, 65536)), READ_AHEAD_CHUNK_BYTES, READ_AHEAD_CHUNKS), budget);
        try (InputStream uncompressed = new DigestInputStream(budgeted, diffId);
                TarArchiveInputStream tar = new TarArchiveInputStream(uncompressed)) {
            TarArchiveEntry entry;
            while ((entry = nextEntry(tar, budgeted)) != null) {
                budget.chargeEntry();
                unpackEntry(tar, entry, target, budget);
                // What the entry's handler left unread (a whiteout's content, data of a skipped type) is read here,
                // so that all the tar reader reads for the next entry is headers.
                tar.transferTo(OutputStream.nullOutputStream());
            }
            // The tar's end-of-archive padding counts in the diff id too (and in the budget: zeros after the end are a bomb as well).
            uncompressed.transferTo(OutputStream.nullOutputStream());
        }
        catch (IOException e) {
            // commons-compress may wrap what the budgeted stream threw; the limit is the reason a user needs.
            if (budget.exceeded() != null && e != budget.exceeded()) {
                throw budget.exceeded();
            }
            if (budgeted.refused() != null && e != budgeted.refused()) {
                throw budgeted.refused();
            }
            throw e;
        }
        return Digest.fromMessageDigest(diffId.digest());
    }

    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, BudgetedInputStream budgeted)
            throws IOException
    {
        budgeted.startHeaders();
        try {
            return tar.getNextEntry();
        }
        finally {
            budgeted.endHeaders();
        }
    }

    private static InputStream decompress(BufferedInputStream in)
            throws IOException
    {
        in.mark(8);
        byte[] head = in.readNBytes(6);
        in.reset();
        if (startsWith(head, GZIP_MAGIC)) {
            return GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true).get();
        }
        if (startsWith(head, ZSTD_MAGIC)) {
            return new ZstdCompressorInputStream(in);
        }
        if (startsWith(head, XZ_MAGIC) || startsWith(head, BZIP2_MAGIC)) {
            throw new LayerRejectedException("layer uses an unsupported compression (xz or bzip2); use gzip, zstd or none");
        }
        return in;
    }

    private static boolean startsWith(byte[] head, byte[] magic)
    {
        return head.length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }

    private void unpackEntry(TarArchiveInputStream tar, TarArchiveEntry entry, Path root, UnpackBudget.Layer budget)
            throws IOException
    {
        String name = entry.getName();
        List<String> components = safeComponents(name, "entry");
        if (components.isEmpty()) {
            return; // the layer root itself ("./"): its directory already exists
        }
        Path parent = ensureParents(root, components, name);
        String baseName = components.get(components.size() - 1);
        if (baseName.startsWith(WHITEOUT_PREFIX)) {
            applyWhiteout(parent, components, name);
            return;
        }
        Path path = parent.resolve(baseName);

        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            log.info("layer entry {} skipped: {} are not unpacked (the runtime provides /dev)", name, entry.isFIFO() ? "FIFOs" : "device nodes");
            return;
        }
        boolean existingDirectory = Files.isDirectory(path, NOFOLLOW_LINKS);
        if (!(entry.isDirectory() && existingDirectory) && Files.exists(path, NOFOLLOW_LINKS)) {
            FileTrees.deleteRecursively(path);
        }

        if (entry.isDirectory()) {
            if (!existingDirectory) {
                Files.createDirectory(path);
            }
            applyMetadata(path, entry);
        }
        else if (entry.isSymbolicLink()) {
            String linkTarget = entry.getLinkName();
            if (linkTarget.isEmpty()) {
                throw new LayerRejectedException("layer entry \"%s\" is a symbolic link without a target".formatted(name));
            }
            if (!linkTarget.startsWith("/")) {
                List<String> resolved = new ArrayList<>(components.subList(0, components.size() - 1));
                for (String part : linkTarget.split("/")) {
                    if (part.equals("..")) {
                        if (resolved.isEmpty()) {
                            throw new LayerRejectedException("layer entry \"%s\" is a symbolic link to \"%s\", which escapes the layer".formatted(name, linkTarget));
                        }
                        resolved.remove(resolved.size() - 1);
                    }
                    else if (!part.isEmpty() && !part.equals(".")) {
                        resolved.add(part);
                    }
                }
            }
            Files.createSymbolicLink(path, Path.of(linkTarget));
            applyOwner(path, entry);
        }
        else if (entry.isLink()) {
            List<String> targetComponents = safeComponents(entry.getLinkName(), "hard link target of \"" + name + "\"");
            if (targetComponents.isEmpty()) {
                throw new LayerRejectedException("layer entry \"%s\" is a hard link to the layer root".formatted(name));
            }
            Path linkParent = root;
            for (String component : targetComponents.subList(0, targetComponents.size() - 1)) {
                linkParent = linkParent.resolve(component);
                if (!Files.isDirectory(linkParent, NOFOLLOW_LINKS)) {
                    throw new LayerRejectedException("layer entry \"%s\" is a hard link through \"%s\", which is not a directory in the layer".formatted(name, root.relativize(linkParent)));
                }
            }
            Path linkTarget = linkParent.resolve(targetComponents.get(targetComponents.size() - 1));
            if (!Files.exists(linkTarget, NOFOLLOW_LINKS) || Files.isDirectory(linkTarget, NOFOLLOW_LINKS)) {
                throw new LayerRejectedException("layer entry \"%s\" is a hard link to \"%s\", which is not a file earlier in the layer".formatted(name, entry.getLinkName()));
            }
            Files.createLink(path, linkTarget);
        }
        else if (entry.isFile()) {
            budget.checkDeclaredSize(name, entry.getRealSize());
            try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, NOFOLLOW_LINKS)) {
                copyFile(tar, entry, out, budget);
            }
            applyMetadata(path, entry);
        }
        else {
            log.info("layer entry {} skipped: unsupported tar entry type {}", name, (char) entry.getLinkFlag());
        }
    }

    /** Path components of a tar name, with "." and empty parts dropped; absolute names and ".." are refused. */
    private static List<String> safeComponents(String name, String what)
            throws LayerRejectedException
    {
        if (name.startsWith("/")) {
            throw new LayerRejectedException("layer %s \"%s\" is an absolute path".formatted(what, name));
        }
        List<String> components = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.equals("..")) {
                throw new LayerRejectedException("layer %s \"%s\" climbs out with \"..\"".formatted(what, name));
            }
            if (part.indexOf('\0') >= 0) {
                throw new LayerRejectedException("layer %s \"%s\" contains a NUL character".formatted(what, name));
            }
            if (!part.isEmpty() && !part.equals(".")) {
                components.add(part);
            }
        }
        return components;
    }

    /** Walks (creating as needed) the parent directories without ever passing through a symbolic link. */
    private static Path ensureParents(Path root, List<String> components, String name)
            throws IOException
    {
        Path current = root;
        for (String component : components.subList(0, components.size() - 1)) {
            current = current.resolve(component);
            if (Files.isSymbolicLink(current)) {
                throw new LayerRejectedException("layer entry \"%s\" would be written through the symbolic link \"%s\"".formatted(name, root.relativize(current)));
            }
            if (!Files.exists(current, NOFOLLOW_LINKS)) {
                Files.createDirectory(current);
            }
            else if (!Files.isDirectory(current, NOFOLLOW_LINKS)) {
                throw new LayerRejectedException("layer entry \"%s\" needs \"%s\" to be a directory, but it is not".formatted(name, root.relativize(current)));
            }
        }
        return current;
    }

    /**
     * The stream charges the stored bytes; a sparse file's holes are not in the stream but are written out as
     * zeros, so what is written beyond the stored size is charged here.
     */
    private static void copyFile(TarArchiveInputStream tar, TarArchiveEntry entry, OutputStream out, UnpackBudget.Layer budget)
            throws IOException
    {
        byte[] buffer = new byte[65536];
        long written = 0;
        long stored = entry.getSize();
        int count;
        while ((count = tar.read(buffer)) != -1) {
            long beyondStored = Math.max(0, written + count - Math.max(stored, written));
            if (beyondStored > 0) {
                budget.chargeBytes(beyondStored);
            }
            out.write(buffer, 0, count);
            written += count;
        }
    }

    /**
     * A whiteout hides one name in the directory it sits in, and that directory is inside this layer (its
     * parents were walked without links). Anything that would name the directory itself, its parent or nothing
     * ({@code .wh.}, {@code .wh..}, {@code .wh...}) is refused: resolved naively those delete the layer, or
     * what lies next to it. An opaque marker at the layer root would hide every layer below: refused too.
     */
    private void applyWhiteout(Path parent, List<String> components, String name)
            throws IOException
    {
        String baseName = components.get(components.size() - 1);
        if (baseName.equals(OPAQUE_MARKER)) {
            if (components.size() == 1) {
                throw new LayerRejectedException("layer entry \"%s\" is an opaque whiteout of the layer root itself".formatted(name));
            }
            whiteouts.markOpaque(parent);
            return;
        }
        String hidden = baseName.substring(WHITEOUT_PREFIX.length());
        if (hidden.isEmpty()) {
            throw new LayerRejectedException("layer entry \"%s\" is a whiteout that names nothing".formatted(name));
        }
        if (hidden.equals(".") || hidden.equals("..")) {
            throw new LayerRejectedException("layer entry \"%s\" is a whiteout of \"%s\", which is not a name inside the layer".formatted(name, hidden));
        }
        if (hidden.startsWith(WHITEOUT_PREFIX)) {
            log.debug("layer entry {} skipped: aufs metadata", name);
            return;
        }
        Path whiteout = parent.resolve(hidden);
        if (!parent.equals(whiteout.getParent())) {
            throw new LayerRejectedException("layer entry \"%s\" is a whiteout outside its own directory".formatted(name));
        }
        if (Files.exists(whiteout, NOFOLLOW_LINKS)) {
            FileTrees.deleteRecursively(whiteout);
        }
        whiteouts.createWhiteout(whiteout);
    }

    private void applyMetadata(Path path, TarArchiveEntry entry)
            throws IOException
    {
        // Owner before mode: chown clears setuid/setgid bits.
        applyOwner(path, entry);
        Files.setAttribute(path, "unix:mode", entry.getMode() & 07777, NOFOLLOW_LINKS);
        Files.setLastModifiedTime(path, FileTime.from(entry.getModTime().toInstant()));
    }

    private void applyOwner(Path path, TarArchiveEntry entry)
            throws IOException
    {
        if (setOwners) {
            Files.setAttribute(path, "unix:uid", (int) entry.getLongUserId(), NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", (int) entry.getLongGroupId(), NOFOLLOW_LINKS);
        }
    }

}
