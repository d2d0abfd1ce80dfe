package io.berth.agent.logs;

import io.berth.common.agentprotocol.LogChunk;
import io.berth.common.agentprotocol.LogLine;
import io.berth.common.agentprotocol.TaskLogSource;
import io.berth.common.agentprotocol.TaskReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * The logs of every task on this host: one file per container under {@code <directory>/<taskId>/}. A
 * token holds the byte offset reached in each container's file ("main=120;sidecar=0"), so readers resume
 * exactly where they stopped, whichever agent process serves them.
 */
public final class TaskLogs
        implements TaskLogSource
{
    private static final String SUFFIX = ".log";

    /** How often a waiting read looks at the files at first; conmon writes them, so their growth wakes nothing. */
    static final Duration FIRST_LOOK_INTERVAL = Duration.ofMillis(10);
    /**
     * How often it looks at most, once nothing came for a while: a change of a task (its start, an exit) wakes it at
     * once ({@link #changed()}) and has it look often again, since a container writes most right after it starts.
     */
    static final Duration QUIET_LOOK_INTERVAL = Duration.ofMillis(50);

    private final Path directory;
    private final Predicate<String> mayStillWrite;
    private final ContainerLogReader reader = new ContainerLogReader();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition change = lock.newCondition();
    /** Counts {@link #changed()} calls, so a waiting read knows whether one came while it read the files. */
    private long changes;

    /** mayStillWrite tells whether more lines may still come for a task (a container of it has not exited yet). */
    public TaskLogs(Path directory, Predicate<String> mayStillWrite)
    {
        this.directory = requireNonNull(directory, "directory is null");
        this.mayStillWrite = requireNonNull(mayStillWrite, "mayStillWrite is null");
    }

    /**
     * Whether a task's log may still grow: it is not STOPPED and one of its containers has not exited yet. conmon
     * records a container's exit only after it has drained the container's output into the log, so once every
     * container has exited the log is whole, though the task may still be cleaning up (`berth run` need not wait for
     * that).
     */
    public static boolean mayStillWrite(TaskReport task)
    {
        return task.status() != TaskReport.Status.STOPPED
                && task.containers().stream().anyMatch(container -> container.status() != TaskReport.Status.STOPPED);
    }

    /** A task on this host changed (a container exited, say): waiting reads look again at once. */
    public void changed()
    {
        lock.lock();
        try {
            changes++;
            change.signalAll();
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * Looks at the files again and again, first every {@link #FIRST_LOOK_INTERVAL} and less often while nothing comes,
     * and at once, and then often again, after a task changed: a reader across the network makes one call instead of
     * one per look.
     */
    @Override
    public Optional<LogChunk> read(String taskId, String token, int maxLines, Duration wait)
    {
        long deadline = System.nanoTime() + wait.toNanos();
        long interval = FIRST_LOOK_INTERVAL.toNanos();
        while (true) {
            long seen = changesSoFar();
            Optional<LogChunk> chunk = read(taskId, token, maxLines);
            long left = deadline - System.nanoTime();
            // a task not known here yet (a follower often asks before the task's assignment arrives) is waited for too
            if (chunk.isPresent() && (!chunk.get().lines().isEmpty() || chunk.get().complete()) || left <= 0) {
                return chunk;
            }
            boolean changed = awaitChange(seen, Math.min(left, interval));
            interval = changed ? FIRST_LOOK_INTERVAL.toNanos() : Math.min(interval * 2, QUIET_LOOK_INTERVAL.toNanos());
        }
    }

    private long changesSoFar()
    {
        lock.lock();
        try {
            return changes;
        }
        finally {
            lock.unlock();
        }
    }

    /** Waits up to nanos for a change after the count seen; true when one came. */
    private boolean awaitChange(long seen, long nanos)
    {
        lock.lock();
        try {
            long left = nanos;
            while (changes == seen && left > 0) {
                left = change.awaitNanos(left);
            }
            return changes != seen;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<LogChunk> read(String taskId, String token, int maxLines)
    {
        if (!taskId.matches("[A-Za-z0-9_-]+")) {
            return Optional.empty();
        }
        Path taskDirectory = directory.resolve(taskId);
        boolean running = mayStillWrite.test(taskId);
        if (!Files.isDirectory(taskDirectory)) {
            return running ? Optional.of(new LogChunk(List.of(), token, false)) : Optional.empty();
        }
        // read "running" before the files: lines written before the last container exited are then surely seen
        Map<String, Long> offsets = parseToken(token);
        List<LogLine> lines = new ArrayList<>();
        boolean reachedEnd = true;
        for (String container : containers(taskDirectory)) {
            LogPage page;
            try {
                page = reader.read(taskDirectory.resolve(container + SUFFIX), container, offsets.getOrDefault(container, 0L), maxLines, !running);
            }
            catch (IOException e) {
                throw new UncheckedIOException("cannot read the log of " + taskId + "/" + container, e);
            }
            lines.addAll(page.lines());
            offsets.put(container, page.nextOffset());
            if (page.lines().size() >= maxLines) {
                reachedEnd = false;
            }
        }
        lines.sort(Comparator.comparing(LogLine::time));
        return Optional.of(new LogChunk(lines, formatToken(offsets), !running && reachedEnd));
    }

    private static List<String> containers(Path taskDirectory)
    {
        try (Stream<Path> files = Files.list(taskDirectory)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(SUFFIX))
                    .map(name -> name.substring(0, name.length() - SUFFIX.length()))
                    .sorted()
                    .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Long> parseToken(String token)
    {
        Map<String, Long> offsets = new LinkedHashMap<>();
        if (token == null || token.isBlank()) {
            return offsets;
        }
        for (String part : token.split(";")) {
            int equals = part.lastIndexOf('=');
            if (equals <= 0) {
                continue;
            }
            try {
                offsets.put(part.substring(0, equals), Math.max(0, Long.parseLong(part.substring(equals + 1))));
            }
            catch (NumberFormatException e) {
                // a token we did not make: read that container from the start
            }
        }
        return offsets;
    }

    static String formatToken(Map<String, Long> offsets)
    {
        StringBuilder token = new StringBuilder();
        offsets.forEach((container, offset) -> token.append(token.isEmpty() ? "" : ";").append(container).append('=').append(offset));
        return token.toString();
    }
}
