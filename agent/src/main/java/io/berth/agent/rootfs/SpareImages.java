package io.berth.agent.rootfs;

import io.berth.agent.process.TaskTransitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Task storage images formatted ahead of need, of the size most tasks ask for (ECS's default ephemeral storage), as
 * Fargate keeps capacity warm: a task of that size gets one by a rename instead of waiting for mkfs, and a thread of
 * its own formats the next one off the start path, once the tasks starting or stopping are done (a bounded wait). A spare is a freshly made filesystem that no task ever had
 * (each is handed out once and goes with its task), so nothing of one task can reach another through it. Spares
 * are made under a name of their own and renamed when complete, so a crash leaves either a whole spare (used by the
 * next agent) or a temporary file (deleted).
 */
final class SpareImages
{
    private static final Logger log = LoggerFactory.getLogger(SpareImages.class);
    private static final String READY = ".img";
    private static final String MAKING = ".making";
    /** How long a format waits for the host's tasks starting or stopping: mkfs beside a start slows that start down. */
    static final Duration DEFER_AT_MOST = Duration.ofSeconds(3);

    /** Makes a formatted image of the size at the path (the task storage's own truncate and mkfs). */
    @FunctionalInterface
    interface Formatter
    {
        void format(Path image, int sizeGiB)
                throws IOException;
    }

    private final Path directory;
    private final int sizeGiB;
    private final int count;
    private final Formatter formatter;
    private final TaskTransitions transitions;
    private final AtomicBoolean refilling = new AtomicBoolean();
    private final AtomicBoolean refillAsked = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Thread filler;

    /** @param directory on the same filesystem as the task images, so a spare moves in by a rename */
    SpareImages(Path directory, int sizeGiB, int count, Formatter formatter)
    {
        this(directory, sizeGiB, count, formatter, null);
    }

    /** transitions: the host's tasks starting or stopping, which each format waits for (at most {@link #DEFER_AT_MOST}); null: none is waited for. */
    SpareImages(Path directory, int sizeGiB, int count, Formatter formatter, TaskTransitions transitions)
    {
        this.directory = requireNonNull(directory, "directory is null");
        if (sizeGiB < 1 || count < 1) {
            throw new IllegalArgumentException("spare images need a size and a count of at least 1: " + sizeGiB + " GiB, " + count);
        }
        this.sizeGiB = sizeGiB;
        this.count = count;
        this.formatter = requireNonNull(formatter, "formatter is null");
        this.transitions = transitions;
    }

    /** Moves a spare of the size to the target path; false when none is ready or the size is another. Starts a refill either way. */
    boolean takeInto(int sizeGiB, Path target)
            throws IOException
    {
        if (sizeGiB != this.sizeGiB) {
            return false;
        }
        try {
            for (Path spare : ready()) {
                try {
                    Files.move(spare, target, StandardCopyOption.ATOMIC_MOVE);
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

    /** Formats spares on a background thread until the count is ready; a call while one runs, or after {@link #close}, does nothing. */
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
     * Makes no more spares, and waits (at most the deadline) for one being made to be finished or removed: the agent's
     * directory may go once it returns. The spares ready stay for the next agent.
     */
    void close(Duration deadline)
    {
        closed = true;
        Thread current = filler;
        if (current == null) {
            return;
        }
        // ends a wait for the tasks starting or stopping; a format under way is cut short and its file removed
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

    /** Spares ready now; for tests and operators. */
    List<Path> ready()
            throws IOException
    {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(READY)).sorted().toList();
        }
    }

    private void makeUntilFull()
    {
        try {
            Files.createDirectories(directory);
            deleteUnfinished();
            while (ready().size() < count) {
                giveWayToTransitions();
                if (closed) {
                    return;
                }
                String name = UUID.randomUUID().toString();
                Path making = directory.resolve(name + MAKING);
                try {
                    formatter.format(making, sizeGiB);
                    Files.move(making, directory.resolve(name + READY), StandardCopyOption.ATOMIC_MOVE);
                }
                finally {
                    Files.deleteIfExists(making);
                }
            }
        }
        catch (IOException | RuntimeException e) {
            // tasks then format their own image, as without spares; the next take tries again
            log.warn("cannot format a spare task storage image in {}: {}", directory, e.getMessage());
        }
    }

    private void giveWayToTransitions()
    {
        if (transitions != null) {
            transitions.giveWay(DEFER_AT_MOST);
        }
    }

    private void deleteUnfinished()
            throws IOException
    {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(file -> file.getFileName().toString().endsWith(MAKING)).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
