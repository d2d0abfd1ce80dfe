package io.berth.agent.rootfs;

import io.berth.agent.userns.IdMapping;
import io.berth.agent.userns.LinuxSyscalls;
import io.berth.agent.userns.SearchablePaths;
import io.berth.agent.userns.UserNamespaces;
import io.berth.common.files.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * One overlayfs mount per key over shared read-only layers. Per key, under the root directory:
 * {@code upper} (the container's writes), {@code work} (overlayfs scratch), {@code rootfs} (the mount
 * point), and {@code l/0..n}, short symlinks to the layers. The mount runs from the key's directory with
 * relative paths ({@code lowerdir=l/2:l/1:l/0}) so that even a hundred layers stay far below the one page
 * the kernel accepts for mount options. A container in a user namespace gets {@code idmapped/0..n} too, an
 * idmapped mount of each layer ({@link IdmappedMounts}), and the links point there; its upper directory belongs
 * to the task's container root, so what the container writes is owned by the task's host ids. The upper and work
 * directories go where the {@link WritableLayerSpace} says (the task's own storage, which caps what the container
 * writes), or in the key's directory without one.
 */
public final class OverlaySnapshotter
        implements Snapshotter
{
    private static final Logger log = LoggerFactory.getLogger(OverlaySnapshotter.class);
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final String LAYER_LINKS = "l";
    private static final String EMPTY_LAYER = "empty";
    private static final String IDMAPPED_LAYERS = "idmapped";
    /** A path overlayfs reads as written in its options: no option separator (comma), layer separator (colon) or escape. */
    private static final Pattern PLAIN_PATH = Pattern.compile("[^,:\\\\]*");

    private final Path root;
    private final MountTable mountTable;
    private final IdmappedMounts idmappedMounts;
    private final Optional<WritableLayerSpace> writableLayers;

    /** Keeps each key's writes in its own directory, without a cap. */
    public OverlaySnapshotter(Path root)
    {
        this(root, new MountTable());
    }

    public OverlaySnapshotter(Path root, MountTable mountTable)
    {
        this(root, mountTable, new UserNamespaces(), null);
    }

    /** @param userNamespaces where the user namespaces for idmapped layers come from */
    public OverlaySnapshotter(Path root, MountTable mountTable, UserNamespaces userNamespaces)
    {
        this(root, mountTable, userNamespaces, null);
    }

    /** Puts each key's writes where writableLayers says. */
    public OverlaySnapshotter(Path root, WritableLayerSpace writableLayers)
    {
        this(root, new MountTable(), new UserNamespaces(), requireNonNull(writableLayers, "writableLayers is null"));
    }

    /** @param writableLayers where each key's upper and work directories go; null keeps them in the key's directory */
    public OverlaySnapshotter(Path root, MountTable mountTable, UserNamespaces userNamespaces, WritableLayerSpace writableLayers)
    {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.mountTable = requireNonNull(mountTable, "mountTable is null");
        this.idmappedMounts = new IdmappedMounts(userNamespaces, mountTable);
        this.writableLayers = Optional.ofNullable(writableLayers);
    }

    @Override
    public Path prepare(String key, List<Path> layers, IdMapping idMapping)
            throws IOException
    {
        Path directory = keyDirectory(key);
        Path rootfs = directory.resolve("rootfs");
        if (mountTable.isMountPoint(rootfs)) {
            return rootfs;
        }
        for (Path layer : layers) {
            if (!Files.isDirectory(layer)) {
                throw new IOException("layer directory " + layer + " does not exist");
            }
        }
        Path writable = writableLayers.isPresent() ? writableLayers.get().directoryFor(key) : directory;
        Path upper = Files.createDirectories(writable.resolve("upper"));
        Path work = Files.createDirectories(writable.resolve("work"));
        Files.createDirectories(rootfs);
        Path links = Files.createDirectories(directory.resolve(LAYER_LINKS));
        List<Path> lowerTargets = layers.stream().map(layer -> layer.toAbsolutePath().normalize()).toList();
        if (idMapping != null) {
            SearchablePaths.check(rootfs);
            List<Path> mountPoints = new ArrayList<>();
            for (int index = 0; index < layers.size(); index++) {
                mountPoints.add(directory.resolve(IDMAPPED_LAYERS).resolve(Integer.toString(index)));
            }
            idmappedMounts.mount(lowerTargets, mountPoints, idMapping);
            lowerTargets = mountPoints;
            // overlayfs shows the upper directory as the container's root directory: container root owns it
            Files.setAttribute(upper, "unix:uid", (int) idMapping.hostId());
            Files.setAttribute(upper, "unix:gid", (int) idMapping.hostId());
        }

        List<String> lowerDirectories = new ArrayList<>();
        if (layers.isEmpty()) {
            // overlayfs needs at least one lower directory; an image without layers gets an empty one
            Files.createDirectories(directory.resolve(EMPTY_LAYER));
            lowerDirectories.add(EMPTY_LAYER);
        }
        for (int index = 0; index < layers.size(); index++) {
            Path link = links.resolve(Integer.toString(index));
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, lowerTargets.get(index));
            // the contract lists layers base first; overlayfs wants the top layer first
            lowerDirectories.addFirst(LAYER_LINKS + "/" + index);
        }
        mountOverlay(key, directory, lowerDirectories, upper, work, rootfs);
        log.info("Mounted overlay root filesystem for {} over {} layers{}", key, layers.size(), idMapping == null ? "" : " idmapped to host ids from " + idMapping.hostId());
        return rootfs;
    }

    @Override
    public void prepareAhead(IdMapping idMapping)
            throws IOException
    {
        idmappedMounts.makeAhead(idMapping);
    }

    /**
     * Mounts the overlay with the agent's own mount(2) when its options can be given with absolute paths (no comma or
     * colon in them, one page at most), else with mount(8) run in the key's directory, whose relative paths hold no
     * name the operator chose and stay short whatever the number of layers.
     */
    private static void mountOverlay(String key, Path directory, List<String> lowerDirectories, Path upper, Path work, Path rootfs)
            throws IOException
    {
        String absolute = "lowerdir=" + String.join(":", lowerDirectories.stream().map(lower -> directory.resolve(lower).toString()).toList())
                + ",upperdir=" + upper.toAbsolutePath() + ",workdir=" + work.toAbsolutePath();
        boolean plainPaths = PLAIN_PATH.matcher(directory.toAbsolutePath().toString()).matches() && PLAIN_PATH.matcher(upper.toAbsolutePath().toString()).matches()
                && PLAIN_PATH.matcher(work.toAbsolutePath().toString()).matches();
        if (plainPaths && absolute.length() <= LinuxSyscalls.MAX_MOUNT_OPTIONS_BYTES) {
            try {
                KernelMounts.mount("overlay", rootfs.toAbsolutePath(), "overlay", absolute, HostCommand.DEADLINE);
                return;
            }
            catch (IOException e) {
                throw new IOException("cannot mount the root filesystem of " + key + ": " + e.getMessage(), e);
            }
        }
        // relative: the path between the two directories holds no name the operator chose (no comma, no colon)
        String options = "lowerdir=" + String.join(":", lowerDirectories) + ",upperdir=" + directory.relativize(upper) + ",workdir=" + directory.relativize(work);
        CommandResult result = HostCommand.run(directory, List.of("mount", "-t", "overlay", "overlay", "-o", options, "rootfs"));
        if (!result.succeeded()) {
            throw new IOException("cannot mount the root filesystem of " + key + ": " + result.output());
        }
    }

    @Override
    public void remove(String key)
            throws IOException
    {
        Path directory = keyDirectory(key);
        for (Path mountPoint : mountTable.mountPointsUnder(directory)) {
            unmount(key, mountPoint);
        }
        List<Path> remaining = mountTable.mountPointsUnder(directory);
        if (!remaining.isEmpty()) {
            // deleting through a live mount would delete the image layers or the container's data
            throw new IOException("cannot remove the root filesystem of " + key + ": still mounted at " + remaining);
        }
        if (writableLayers.isPresent()) {
            Optional<Path> writable = writableLayers.get().existing(key);
            if (writable.isPresent()) {
                FileTrees.deleteRecursively(writable.get());
            }
        }
        if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            FileTrees.deleteRecursively(directory);
            log.info("Removed root filesystem of {}", key);
        }
    }

    @Override
    public List<String> keys()
            throws IOException
    {
        return DirectoryNames.under(root, KEY);
    }

    private void unmount(String key, Path mountPoint)
            throws IOException
    {
        String busy;
        try {
            KernelMounts.unmount(mountPoint, false, HostCommand.DEADLINE);
            return;
        }
        catch (IOException e) {
            busy = e.getMessage();
        }
        // busy (a process still has a file open): detach now, the kernel finishes when it is let go
        try {
            KernelMounts.unmount(mountPoint, true, HostCommand.DEADLINE);
        }
        catch (IOException e) {
            if (mountTable.isMountPoint(mountPoint)) {
                throw new IOException("cannot unmount " + mountPoint + " of " + key + ": " + e.getMessage(), e);
            }
        }
        log.warn("Lazily unmounted busy root filesystem {} of {}: {}", mountPoint, key, busy);
    }

    private Path keyDirectory(String key)
    {
        requireNonNull(key, "key is null");
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("invalid snapshot key: " + key);
        }
        return root.resolve(key);
    }

}
