package io.berth.agent.rootfs;

import io.berth.agent.process.HostProcess;
import io.berth.agent.process.ProcessOutput;
import io.berth.common.files.FileTrees;
import io.berth.agent.process.TaskTransitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Each task's storage is an ext4 filesystem of the task's size in a sparse image file, on a loop device, mounted
 * under the root directory: {@code TASK/disk.img} and {@code TASK/fs}, with a directory per container in it for
 * its writable layer. The kernel enforces the size (a write past it fails with ENOSPC inside that filesystem
 * only), and {@code df /} in a container shows it, because overlayfs reports its upper filesystem. The image is
 * sparse, so the host's disk holds only what the task wrote; nothing reserves the rest.
 * <p>
 * Every step is a host command with a deadline (mkfs.ext4, losetup, mount, umount). The mounts and loop devices
 * are the kernel's, so they outlive an agent restart: a new agent finds them by path in the mount table and
 * {@code /sys/block/loop*}.
 */
public final class LoopDeviceTaskStorage
        implements TaskStorage, WritableLayerSpace
{
    private static final Logger log = LoggerFactory.getLogger(LoopDeviceTaskStorage.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    static final String IMAGE = "disk.img";
    static final String MOUNT_POINT = "fs";
    /** Beside the containers' writable layers, whose keys (container ids) all begin with the task id. */
    static final String VOLUMES = "volumes";
    /** Far above Fargate's 200 GiB; only guards the arithmetic. */
    static final int MAXIMUM_GIB = 16 * 1024;

    private static final long GIB = 1L << 30;
    private static final long BLOCK_SIZE = 4096;
    private static final long BLOCKS_PER_GROUP = 32768;
    /**
     * What ext4 spends of each 128 MiB block group, as made by {@link #mkfsArguments}: a block bitmap, an inode
     * bitmap and 512 blocks of inode table (one 256-byte inode per 16 KiB). The image is that much larger than the
     * task's size, so that {@code df} shows the size asked for (measured: within 1 MiB from 20 to 200 GiB).
     */
    private static final long METADATA_BLOCKS_PER_GROUP = 514;
    private static final Path LOOP_DEVICES = Path.of("/sys/block");

    /**
     * The host commands, by name or path (tests put failing ones in), and each step's deadline. With kernelCalls the
     * loop device is bound and unbound and the filesystem mounted and unmounted by the agent's own system calls
     * ({@link KernelMounts}), as the losetup, mount and umount commands would: a task's start then runs no process
     * for its storage but mkfs when no spare image is ready, and its stop none. Without, the named commands run.
     */
    public record Commands(String mkfs, String losetup, String mount, String umount, Duration deadline, boolean kernelCalls)
    {
        public static final Commands DEFAULT = new Commands("mkfs.ext4", "losetup", "mount", "umount", Duration.ofSeconds(30), true);

        public Commands
        {
            requireNonNull(mkfs, "mkfs is null");
            requireNonNull(losetup, "losetup is null");
            requireNonNull(mount, "mount is null");
            requireNonNull(umount, "umount is null");
            requireNonNull(deadline, "deadline is null");
        }

        /** The named commands for every step. */
        public Commands(String mkfs, String losetup, String mount, String umount, Duration deadline)
        {
            this(mkfs, losetup, mount, umount, deadline, false);
        }
    }

    /** Where spare images wait; not a task's name (tasks' names begin with a letter or digit), on the tasks' filesystem. */
    static final String SPARES = ".spare";

    private final Path root;
    private final MountTable mountTable;
    private final Commands commands;
    /** Null: every task's image is formatted at its start. */
    private final SpareImages spares;

    public LoopDeviceTaskStorage(Path root)
    {
        this(root, new MountTable(), Commands.DEFAULT);
    }

    public LoopDeviceTaskStorage(Path root, MountTable mountTable, Commands commands)
    {
        this(root, mountTable, commands, 0, 0, null);
    }

    private LoopDeviceTaskStorage(Path root, MountTable mountTable, Commands commands, int spareSizeGiB, int spareCount, TaskTransitions transitions)
    {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.mountTable = requireNonNull(mountTable, "mountTable is null");
        this.commands = requireNonNull(commands, "commands is null");
        this.spares = spareCount == 0 ? null : new SpareImages(this.root.resolve(SPARES), spareSizeGiB, spareCount, new SpareFilesystems(), transitions);
    }

    /**
     * The same storage with count filesystems of sizeGiB made and mounted ahead of need (see {@link SpareImages}): a
     * task of that size starts without waiting for mkfs, a loop device or a mount. The first spares are made now, on
     * a background thread.
     */
    public LoopDeviceTaskStorage withSpareImages(int sizeGiB, int count)
    {
        return withSpareImages(sizeGiB, count, null);
    }

    /** As {@link #withSpareImages(int, int)}, each spare made once the host's tasks starting or stopping are done (a bounded wait). */
    public LoopDeviceTaskStorage withSpareImages(int sizeGiB, int count, TaskTransitions transitions)
    {
        LoopDeviceTaskStorage withSpares = new LoopDeviceTaskStorage(root, mountTable, commands, sizeGiB, count, transitions);
        withSpares.spares.refill();
        return withSpares;
    }

    /**
     * Makes no more spares, waiting for one being made to be finished or removed (within the commands' deadline), and
     * unmounts those ready, keeping their images for the next agent, as an agent that stops does: nothing of the
     * spares stays mounted and nothing is written under the storage's directory afterwards.
     */
    public void closeSpares()
    {
        if (spares != null) {
            spares.close(commands.deadline().plusSeconds(5));
        }
    }

    /**
     * Unmounts and deletes every spare, mounted or not, as after an agent that was killed (not stopped) and will not
     * run again here: each tried past a failure of another; says what it could not remove.
     */
    public void removeSpares()
            throws IOException
    {
        Path spareDirectory = root.resolve(SPARES);
        if (!Files.isDirectory(spareDirectory)) {
            return;
        }
        List<String> failures = new ArrayList<>();
        try (Stream<Path> entries = Files.list(spareDirectory)) {
            for (Path spare : entries.toList()) {
                // a spare ready or being mounted is a directory as a task's storage is; a formatted image is a file
                Path image = Files.isDirectory(spare, LinkOption.NOFOLLOW_LINKS) ? spare.resolve(IMAGE) : spare;
                failures.addAll(unmountAndDetach("spare " + spare.getFileName(), spare, image));
            }
        }
        List<Path> mounted = mountTable.mountPointsUnder(spareDirectory);
        if (mounted.isEmpty()) {
            FileTrees.deleteRecursively(spareDirectory);
        }
        else {
            failures.add("still mounted at " + mounted);
        }
        if (!failures.isEmpty()) {
            throw new IOException("cannot remove the spare task storage in " + spareDirectory + ": " + String.join("; ", failures));
        }
    }

    @Override
    public void create(String taskId, int sizeGiB, List<String> keys)
            throws IOException
    {
        if (sizeGiB < 1 || sizeGiB > MAXIMUM_GIB) {
            throw new IllegalArgumentException("task storage size must be from 1 to " + MAXIMUM_GIB + " GiB: " + sizeGiB);
        }
        keys.forEach(LoopDeviceTaskStorage::checkName);
        Path directory = taskDirectory(taskId);
        Path filesystem = directory.resolve(MOUNT_POINT);
        if (!mountTable.isMountPoint(filesystem)) {
            // what a crash between steps (or a host restart) left is made again from nothing
            remove(taskId);
            make(taskId, directory, sizeGiB);
        }
        for (String key : keys) {
            Files.createDirectories(filesystem.resolve(key));
        }
    }

    private void make(String taskId, Path directory, int sizeGiB)
            throws IOException
    {
        long start = System.nanoTime();
        Path image = directory.resolve(IMAGE);
        Path mountPoint = directory.resolve(MOUNT_POINT);
        try {
            if (spares != null && spares.takeInto(sizeGiB, directory)) {
                if (mountTable.isMountPoint(mountPoint)) {
                    log.info("task {}: ephemeral storage of {} GiB ({} ms, mounted ahead)", taskId, sizeGiB, Duration.ofNanos(System.nanoTime() - start).toMillis());
                    return;
                }
                // a spare taken before the first refill saw that the host restarted since it was mounted
                log.info("task {}: the spare storage it took is no longer mounted; making its own", taskId);
                remove(taskId);
            }
            Files.createDirectories(mountPoint);
            format(image, sizeGiB);
            String device = attachAndMount(image, mountPoint);
            log.info("task {}: ephemeral storage of {} GiB on {} ({} ms)", taskId, sizeGiB, device, Duration.ofNanos(System.nanoTime() - start).toMillis());
        }
        catch (IOException | RuntimeException e) {
            try {
                remove(taskId);
            }
            catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Binds a loop device to the image and mounts its filesystem; when the mount fails, the device is unbound. Returns the device's path. */
    private String attachAndMount(Path image, Path mountPoint)
            throws IOException
    {
        String device = attach(image);
        try {
            if (commands.kernelCalls()) {
                KernelMounts.mount(device, mountPoint, "ext4", "", commands.deadline());
            }
            else {
                run("mount the filesystem", List.of(commands.mount(), "-t", "ext4", device, mountPoint.toString()));
            }
        }
        catch (IOException | RuntimeException e) {
            try {
                detach(device);
            }
            catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return device;
    }

    /** The task storage's own steps for the spares made ahead. */
    private final class SpareFilesystems
            implements SpareImages.Filesystems
    {
        @Override
        public void format(Path image, int sizeGiB)
                throws IOException
        {
            LoopDeviceTaskStorage.this.format(image, sizeGiB);
        }

        @Override
        public void mount(Path image, Path mountPoint)
                throws IOException
        {
            attachAndMount(image, mountPoint);
        }

        @Override
        public void unmount(Path image, Path mountPoint)
                throws IOException
        {
            List<String> failures = unmountAndDetach("spare " + image.getParent().getFileName(), mountPoint, image);
            if (!failures.isEmpty()) {
                throw new IOException("cannot unmount the spare task storage " + image.getParent() + ": " + String.join("; ", failures));
            }
        }

        @Override
        public boolean isMounted(Path mountPoint)
                throws IOException
        {
            return mountTable.isMountPoint(mountPoint);
        }
    }

    /** Binds a loop device to the image; returns the device's path. */
    private String attach(Path image)
            throws IOException
    {
        // direct I/O: the task's writes are cached once (in its filesystem), not a second time for the image file
        if (commands.kernelCalls()) {
            return KernelMounts.attachLoopDevice(image, true, commands.deadline()).toString();
        }
        String device = run("attach a loop device", List.of(commands.losetup(), "--find", "--show", "--direct-io=on", image.toString()))
                .stdout().strip().lines().findFirst().orElse("");
        if (!device.startsWith("/dev/")) {
            // seen in bursts of concurrent attaches: losetup exits 0 yet prints nothing; the kernel knows the device
            List<String> attached = loopDevicesOf(image);
            if (attached.size() == 1) {
                device = attached.getFirst();
            }
        }
        if (!device.startsWith("/dev/")) {
            throw new IOException("cannot attach a loop device: losetup printed no device: '" + device + "'");
        }
        return device;
    }

    /** A sparse image of the task size's bytes with an empty ext4 filesystem in it. */
    private void format(Path image, int sizeGiB)
            throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            // sparse: the host's disk gives blocks only as the task writes
            file.setLength(imageBytes(sizeGiB));
        }
        List<String> mkfs = new ArrayList<>(List.of(commands.mkfs()));
        mkfs.addAll(mkfsArguments());
        mkfs.add(image.toString());
        run("make the filesystem", mkfs);
    }

    /**
     * ext4 without a journal (the filesystem lives as long as its task; a host crash ends the task anyway) and without
     * room to grow, no blocks reserved for root, and a fixed inode size and ratio so that {@link #imageBytes} holds
     * whatever /etc/mke2fs.conf says. On an image file mkfs discards (punches holes), which zeroes the inode tables
     * at once: the kernel has none to initialise later, and the image stays sparse.
     */
    static List<String> mkfsArguments()
    {
        return List.of("-q", "-F", "-b", Long.toString(BLOCK_SIZE), "-I", "256", "-i", "16384", "-m", "0",
                "-O", "^has_journal,^resize_inode", "-E", "lazy_itable_init=1");
    }

    /** The image's size in bytes: sizeGiB of space for files, plus what ext4 spends on its own metadata. */
    static long imageBytes(int sizeGiB)
    {
        long blocks = sizeGiB * (GIB / BLOCK_SIZE);
        long withMetadata = Math.ceilDiv(blocks * BLOCKS_PER_GROUP, BLOCKS_PER_GROUP - METADATA_BLOCKS_PER_GROUP);
        return withMetadata * BLOCK_SIZE;
    }

    /**
     * Unmounts, detaches and deletes, trying every step even when an earlier one failed, and says in its exception
     * what it could not remove (the caller retries). The image is deleted only once nothing is mounted from it.
     */
    @Override
    public void remove(String taskId)
            throws IOException
    {
        Path directory = taskDirectory(taskId);
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<String> failures = unmountAndDetach("task " + taskId, directory, directory.resolve(IMAGE));
        List<Path> mounted = mountTable.mountPointsUnder(directory);
        if (mounted.isEmpty()) {
            FileTrees.deleteRecursively(directory);
            log.info("task {}: removed its ephemeral storage", taskId);
        }
        else {
            // deleting through a live mount would delete the task's files one by one, and the image would stay
            failures.add("the task storage is still mounted at " + mounted);
        }
        if (!failures.isEmpty()) {
            throw new IOException("cannot remove the storage of task " + taskId + ": " + String.join("; ", failures));
        }
    }

    /**
     * Unmounts every mount at or below the path and unbinds the image's loop devices, each tried past a failure of
     * another; returns what failed.
     */
    private List<String> unmountAndDetach(String owner, Path under, Path image)
            throws IOException
    {
        List<String> failures = new ArrayList<>();
        for (Path mountPoint : mountTable.mountPointsUnder(under)) {
            try {
                unmount(owner, mountPoint);
            }
            catch (IOException e) {
                failures.add(e.getMessage());
            }
        }
        for (String device : loopDevicesOf(image)) {
            try {
                detach(device);
            }
            catch (IOException e) {
                failures.add(e.getMessage());
            }
        }
        return failures;
    }

    @Override
    public List<String> taskIds()
            throws IOException
    {
        return DirectoryNames.under(root, NAME);
    }

    @Override
    public Path directoryFor(String key)
            throws IOException
    {
        checkName(key);
        for (String taskId : taskIds()) {
            Path filesystem = root.resolve(taskId).resolve(MOUNT_POINT);
            Path directory = filesystem.resolve(key);
            if (Files.isDirectory(directory) && mountTable.isMountPoint(filesystem)) {
                return directory;
            }
        }
        throw new IOException("no task storage holds the writable layer of " + key + ": the task's storage was not made, or is gone");
    }

    @Override
    public Optional<Path> existing(String key)
            throws IOException
    {
        checkName(key);
        for (String taskId : taskIds()) {
            Path directory = root.resolve(taskId).resolve(MOUNT_POINT).resolve(key);
            if (Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of(directory);
            }
        }
        return Optional.empty();
    }

    @Override
    public Path volumeRoot(String taskId)
            throws IOException
    {
        Path filesystem = taskDirectory(taskId).resolve(MOUNT_POINT);
        if (!mountTable.isMountPoint(filesystem)) {
            throw new IOException("task " + taskId + " has no ephemeral storage for its volumes: it was not made, or is gone");
        }
        Path volumes = filesystem.resolve(VOLUMES);
        Files.createDirectories(volumes);
        return volumes;
    }

    /** The task's mounted filesystem, if it has one: for operators and tests. */
    public Optional<Path> mountPoint(String taskId)
            throws IOException
    {
        Path filesystem = taskDirectory(taskId).resolve(MOUNT_POINT);
        return mountTable.isMountPoint(filesystem) ? Optional.of(filesystem) : Optional.empty();
    }

    /** The loop devices (e.g. /dev/loop3) whose backing file is the task's image, deleted or not. */
    public List<String> loopDevices(String taskId)
            throws IOException
    {
        return loopDevicesOf(taskDirectory(taskId).resolve(IMAGE));
    }

    static List<String> loopDevicesOf(Path image)
            throws IOException
    {
        if (!Files.isDirectory(LOOP_DEVICES)) {
            return List.of();
        }
        String wanted = image.toAbsolutePath().normalize().toString();
        List<String> devices = new ArrayList<>();
        try (Stream<Path> entries = Files.list(LOOP_DEVICES)) {
            for (Path device : entries.filter(path -> path.getFileName().toString().startsWith("loop")).toList()) {
                Path backingFile = device.resolve("loop").resolve("backing_file");
                // most loop devices the kernel made are bound to nothing and have no loop/: asked without an exception,
                // whose stack trace cost more than the whole look at a bound one (some fifty devices, at each removal)
                if (!Files.isRegularFile(backingFile)) {
                    continue;
                }
                String backing;
                try {
                    backing = Files.readString(backingFile).strip();
                }
                catch (IOException e) {
                    // not attached (no loop/ directory), or detached meanwhile
                    continue;
                }
                if (backing.equals(wanted) || backing.equals(wanted + " (deleted)")) {
                    devices.add("/dev/" + device.getFileName());
                }
            }
        }
        return devices;
    }

    private void unmount(String owner, Path mountPoint)
            throws IOException
    {
        try {
            if (commands.kernelCalls()) {
                KernelMounts.unmount(mountPoint, false, commands.deadline());
            }
            else {
                run("unmount " + mountPoint, List.of(commands.umount(), mountPoint.toString()));
            }
            return;
        }
        catch (IOException e) {
            // busy (a process still has a file open): detach now, the kernel finishes when it is let go
            try {
                if (commands.kernelCalls()) {
                    KernelMounts.unmount(mountPoint, true, commands.deadline());
                }
                else {
                    run("unmount " + mountPoint + " lazily", List.of(commands.umount(), "-l", mountPoint.toString()));
                }
            }
            catch (IOException lazy) {
                if (mountTable.isMountPoint(mountPoint)) {
                    throw lazy;
                }
            }
            log.warn("{}: lazily unmounted busy task storage {}: {}", owner, mountPoint, e.getMessage());
        }
    }

    /** A device still in use (a lazy unmount not yet finished) is detached by the kernel once it is let go. */
    private void detach(String device)
            throws IOException
    {
        if (commands.kernelCalls()) {
            KernelMounts.detachLoopDevice(Path.of(device), commands.deadline());
            return;
        }
        run("detach " + device, List.of(commands.losetup(), "--detach", device));
    }

    private ProcessOutput run(String step, List<String> command)
            throws IOException
    {
        ProcessOutput output;
        try {
            output = HostProcess.run(command, null, null, null, commands.deadline());
        }
        catch (UncheckedIOException e) {
            throw new IOException("cannot " + step + ": " + e.getCause().getMessage(), e.getCause());
        }
        if (output.exitCode() != 0) {
            String printed = (output.stdout().strip() + "\n" + output.stderr().strip()).strip();
            throw new IOException("cannot " + step + ": " + command.getFirst() + " exited with " + output.exitCode() + (printed.isEmpty() ? "" : ": " + printed));
        }
        return output;
    }

    private Path taskDirectory(String taskId)
    {
        checkName(taskId);
        return root.resolve(taskId);
    }

    private static void checkName(String name)
    {
        requireNonNull(name, "name is null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid task or snapshot key: " + name);
        }
    }
}
