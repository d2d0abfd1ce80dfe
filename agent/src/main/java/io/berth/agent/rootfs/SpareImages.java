package io.berth.agent.rootfs;

import io.berth.agent.process.TaskTransitions;
import io.berth.common.files.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Task storage made ahead of need, of the size most tasks ask for (ECS's default ephemeral storage), as Fargate keeps
 * capacity warm. A spare is a directory laid out as a task's storage: its image, and the image's filesystem mounted on
 * {@link LoopDeviceTaskStorage#MOUNT_POINT} through a loop device. A task of that size gets one by renaming the
 * directory to its own (the mount moves with its directory, and the loop device's record of its backing file with the
 * image): its start waits for no mkfs, loop device or mount. A thread of its own makes the next one off the start path,
 * once the tasks starting or stopping are done (a bounded wait). A spare is a freshly made filesystem that no task ever
 * had (each is handed out once and goes with its task), so nothing of one task can reach another through it.
 *
 * <p>In the spares' directory, by the end of each name: {@code .making}, an image being formatted (a crash leaves it:
 * deleted); {@code .img}, a formatted image not mounted (what an agent that stopped leaves: the next mounts it);
 * {@code .mounting}, a directory whose image is being mounted (a crash leaves it: unmounted, its image kept);
 * {@code .ready}, a directory whose filesystem is mounted, for a task (an agent that crashed leaves them to the next).
 */
final class SpareImages
{
    private static final Logger log = LoggerFactory.getLogger(SpareImages.class);
    private static final String MAKING = ".making";
    private static final String FORMATTED = ".img";
    private static final String MOUNTING = ".mounting";
    private static final String READY = ".ready";
    /** How long a format waits for the host's tasks starting or stopping: mkfs beside a start slows that start down. */
    static final Duration DEFER_AT_MOST = Duration.ofSeconds(3);

    /** The task storage's own steps, which a spare goes through ahead of its task. */
    interface Filesystems
    {
        /** Makes a formatted image of the size at the path (truncate and mkfs). */
        void format(Path image, int sizeGiB)
                throws IOException;

        /** Binds a loop device to the image and mounts its filesystem on the mount point; when it fails, neither stays. */
        void mount(Path image, Path mountPoint)
                throws IOException;

        /** Unmounts what is mounted on the mount point and unbinds the image's loop devices; says what it could not. */
        void unmount(Path image, Path mountPoint)
                throws IOException;

        boolean isMounted(Path mountPoint)
                throws IOException;
    }

    private final Path directory;
    private final int sizeGiB;
    private final int count;
    private final Filesystems filesystems;
    private final TaskTransitions transitions;
    private final AtomicBoolean refilling = new AtomicBoolean();
    private final AtomicBoolean refillAsked = new AtomicBoolean();
    /** Whether a filler looked at the spares a crash or a host restart may have left; the first does. */
    private volatile boolean leftoversSeen;
    private volatile boolean closed;
    private volatile Thread filler;

    /** @param directory on the same filesystem as the tasks' storage directories, so a spare moves in by a rename */
    SpareImages(Path directory, int sizeGiB, int count, Filesystems filesystems)
    {
        this(directory, sizeGiB, count, filesystems, null);
    }

    /** transitions: the host's tasks starting or stopping, which each spare waits for (at most {@link #DEFER_AT_MOST}); null: none is waited for. */
    SpareImages(Path directory, int sizeGiB, int count, Filesystems filesystems, TaskTransitions transitions)
    {
        this.directory = requireNonNull(directory, "directory is null");
        if (sizeGiB < 1 || count < 1) {
            throw new IllegalArgumentException("spare images need a size and a count of at least 1: " + sizeGiB + " GiB, " + count);
        }
        this.sizeGiB = sizeGiB;
        this.count = count;
        this.filesystems = requireNonNull(filesystems, "filesystems is null");
        this.transitions = transitions;
    }

    /**
     * Renames a spare to the task's storage directory, which must not exist; false when none is ready or the size is
     * another. Starts a refill either way.
     */
    boolean takeInto(int sizeGiB, Path taskDirectory)
            throws IOException
    {
        if (sizeGiB != this.sizeGiB) {
            return false;
        }
        try {
            for (Path spare : ready()) {
                try {
                    Files.move(spare, taskDirectory, StandardCopyOption.ATOMIC_MOVE);
                    return true;
                }
                catch (NoSuchFileException e) {
                    // another task's start took it first
                }
            }
            return false;
        }
        finally {
            refill();
        }
    }

    /** Makes spares on a background thread until the count is ready; a call while one runs, or after {@link #close}, does nothing. */
    void refill()
    {
        // asked for before the look at the flag: a filler that is ending sees the ask and goes round again, else a
        // take between its last look at the pool (full) and its end would leave the pool empty until the next take
        refillAsked.set(true);
        if (closed || !refilling.compareAndSet(false, true)) {
            return;
        }
        filler = Thread.ofVirtual().name("spare-images").start(() -> {
            do {
                refillAsked.set(false);
                try {
                    makeUntilFull();
                }
                finally {
                    refilling.set(false);
                }
            }
            while (refillAsked.get() && !closed && refilling.compareAndSet(false, true));
        });
    }

    /**
     * Makes no more spares, waits (at most the deadline) for one being made to be finished or removed, and unmounts
     * the spares ready: their images stay for the next agent, which mounts them again, and nothing of them is mounted
     * once this returns but what could not be unmounted (logged).
     */
    void close(Duration deadline)
    {
        closed = true;
        Thread current = filler;
        if (current != null) {
            // ends a wait for the tasks starting or stopping; a format or a mount under way is cut short and undone
            current.interrupt();
            try {
                if (!current.join(deadline)) {
                    log.warn("a spare task storage image in {} was still being made after {} s", directory, deadline.toSeconds());
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<Path> spares;
        try {
            spares = named(MOUNTING, READY);
        }
        catch (IOException e) {
            log.warn("cannot list the spare task storage in {}: {}", directory, e.getMessage());
            return;
        }
        // each one tried, past a failure of another
        for (Path spare : spares) {
            try {
                unmountToImage(spare);
            }
            catch (IOException | RuntimeException e) {
                log.warn("cannot unmount the spare task storage {}: {}", spare, e.getMessage());
            }
        }
    }

    /** Spares ready now, mounted; for tests and operators. */
    List<Path> ready()
            throws IOException
    {
        return named(READY);
    }

    /** Formatted images that wait to be mounted; for tests. */
    List<Path> unmounted()
            throws IOException
    {
        return named(FORMATTED);
    }

    private List<Path> named(String... endings)
            throws IOException
    {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> List.of(endings).stream().anyMatch(file.getFileName().toString()::endsWith)).sorted().toList();
        }
    }

    private void makeUntilFull()
    {
        try {
            Files.createDirectories(directory);
            tidyLeftovers();
            while (ready().size() < count) {
                giveWayToTransitions();
                if (closed) {
                    return;
                }
                List<Path> formatted = unmounted();
                mountReady(formatted.isEmpty() ? format() : formatted.getFirst());
            }
        }
        catch (IOException | RuntimeException e) {
            // tasks then make their own storage, as without spares; the next take tries again
            log.warn("cannot make a spare task storage in {}: {}", directory, e.getMessage());
        }
    }

    private Path format()
            throws IOException
    {
        String name = UUID.randomUUID().toString();
        Path making = directory.resolve(name + MAKING);
        try {
            filesystems.format(making, sizeGiB);
            Path formatted = directory.resolve(name + FORMATTED);
            Files.move(making, formatted, StandardCopyOption.ATOMIC_MOVE);
            return formatted;
        }
        finally {
            Files.deleteIfExists(making);
        }
    }

    /** Mounts a formatted image in a directory of its own, which is renamed ready once its filesystem is mounted. */
    private void mountReady(Path formatted)
            throws IOException
    {
        String name = stem(formatted);
        Path mounting = directory.resolve(name + MOUNTING);
        Path image = mounting.resolve(LoopDeviceTaskStorage.IMAGE);
        Files.createDirectories(mounting.resolve(LoopDeviceTaskStorage.MOUNT_POINT));
        Files.move(formatted, image, StandardCopyOption.ATOMIC_MOVE);
        try {
            filesystems.mount(image, mounting.resolve(LoopDeviceTaskStorage.MOUNT_POINT));
        }
        catch (IOException | RuntimeException e) {
            // the image may be what failed: it goes, and the next spare is formatted anew; a mount that came after the
            // step's deadline is let go of first, so the deletion never goes through a live mount
            try {
                filesystems.unmount(image, mounting.resolve(LoopDeviceTaskStorage.MOUNT_POINT));
                if (!filesystems.isMounted(mounting.resolve(LoopDeviceTaskStorage.MOUNT_POINT))) {
                    FileTrees.deleteRecursively(mounting);
                }
            }
            catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        Files.move(mounting, directory.resolve(name + READY), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * What a crash or a host restart left: images half formatted are deleted, a mount half made is undone, and a
     * spare whose filesystem is no longer mounted (the host restarted) goes back to a formatted image. Spares still
     * mounted are ready as they are.
     */
    private void tidyLeftovers()
            throws IOException
    {
        if (leftoversSeen) {
            return;
        }
        for (Path making : named(MAKING)) {
            Files.deleteIfExists(making);
        }
        for (Path mounting : named(MOUNTING)) {
            unmountToImage(mounting);
        }
        for (Path spare : named(READY)) {
            if (!filesystems.isMounted(spare.resolve(LoopDeviceTaskStorage.MOUNT_POINT))) {
                unmountToImage(spare);
            }
        }
        leftoversSeen = true;
    }

    /** Unmounts a spare's filesystem and keeps its image as a formatted one; a spare taken meanwhile is the task's. */
    private void unmountToImage(Path spare)
            throws IOException
    {
        Path image = spare.resolve(LoopDeviceTaskStorage.IMAGE);
        Path mountPoint = spare.resolve(LoopDeviceTaskStorage.MOUNT_POINT);
        if (!Files.isDirectory(spare)) {
            return;
        }
        filesystems.unmount(image, mountPoint);
        if (filesystems.isMounted(mountPoint)) {
            // deleting through a live mount would delete the filesystem's files one by one
            throw new IOException("the spare task storage " + spare + " is still mounted");
        }
        List<String> failures = new ArrayList<>();
        if (Files.exists(image)) {
            try {
                Files.move(image, directory.resolve(stem(spare) + FORMATTED), StandardCopyOption.ATOMIC_MOVE);
            }
            catch (IOException e) {
                failures.add(e.getMessage());
            }
        }
        FileTrees.deleteRecursively(spare);
        if (!failures.isEmpty()) {
            throw new IOException("cannot keep the image of the spare task storage " + spare + ": " + String.join("; ", failures));
        }
    }

    private static String stem(Path path)
    {
        String name = path.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }

    private void giveWayToTransitions()
    {
        if (transitions != null) {
            transitions.giveWay(DEFER_AT_MOST);
        }
    }
}
