package io.berth.agent.logs;

import io.berth.common.agentprotocol.LogBatch;
import io.berth.common.agentprotocol.LogBatchRefusedException;
import io.berth.common.agentprotocol.LogLine;
import io.berth.common.agentprotocol.LogShippingLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import java.util.function.Supplier;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Ships the lines of awslogs containers to the control plane, from the log files the container monitor already
 * writes: the files are the buffer. Each round reads, per task, at most {@link #MAX_BATCH_LINES} lines past the
 * offsets in its {@link ShippingState}, sends them as one batch, and only then moves the offsets on, so memory stays
 * bounded by one batch and a batch the control plane did not take is read and sent again. While the control plane is
 * away the rounds back off (1 s doubling to 30 s) and the lines wait on disk. A task's shipping ends when it has
 * stopped and every line is shipped, or when the control plane refuses the task for good.
 */
public final class AwsLogsShipper
        implements AutoCloseable
{
    /** Lines per batch: well under CloudWatch's 10,000 events, and a bounded amount of memory. */
    static final int MAX_BATCH_LINES = 1_000;
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final String LOG_SUFFIX = ".log";

    private static final Logger log = LoggerFactory.getLogger(AwsLogsShipper.class);

    private final Path logDirectory;
    private final String hostId;
    private final LogShippingLink link;
    private final Supplier<List<ShippedTask>> heldTasks;
    private final Duration interval;
    private final ContainerLogReader reader = new ContainerLogReader();
    private volatile boolean running;
    private Thread thread;

    /**
     * @param heldTasks the tasks the agent holds that have awslogs containers
     * @param interval how often to look for new lines when everything so far is shipped
     */
    public AwsLogsShipper(Path logDirectory, String hostId, LogShippingLink link, Supplier<List<ShippedTask>> heldTasks, Duration interval)
    {
        this.logDirectory = requireNonNull(logDirectory, "logDirectory is null");
        this.hostId = requireNonNull(hostId, "hostId is null");
        this.link = requireNonNull(link, "link is null");
        this.heldTasks = requireNonNull(heldTasks, "heldTasks is null");
        this.interval = requireNonNull(interval, "interval is null");
    }

    public synchronized void start()
    {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("agent-awslogs").daemon().start(this::loop);
    }

    private void loop()
    {
        Duration backoff = null;
        while (running) {
            Duration pause = interval;
            try {
                if (shipRound()) {
                    pause = Duration.ZERO;
                }
                backoff = null;
            }
            catch (RuntimeException e) {
                backoff = backoff == null ? FIRST_BACKOFF : backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                pause = backoff;
                log.warn("host {}: cannot ship container lines to CloudWatch Logs, keeping them on disk and retrying in {} s: {}", hostId, pause.toSeconds(),
                        e.toString());
            }
            try {
                Thread.sleep(pause.toMillis());
            }
            catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Ships one batch of each task with new lines; true when some task had more lines than one batch. Throws when a
     * batch could not be delivered (the control plane is away); what was delivered before stays delivered.
     */
    public boolean shipRound()
    {
        Map<String, ShippedTask> tasks = new LinkedHashMap<>();
        for (ShippedTask task : heldTasks.get()) {
            tasks.put(task.taskId(), task);
        }
        // tasks the agent no longer holds but whose last lines are not shipped yet (an agent restart, a forgotten task)
        for (String taskId : unfinishedOnDisk()) {
            tasks.computeIfAbsent(taskId, id -> new ShippedTask(id, List.of(), false));
        }
        boolean more = false;
        for (ShippedTask task : tasks.values()) {
            more |= ship(task);
        }
        return more;
    }

    private boolean ship(ShippedTask task)
    {
        if (!task.taskId().matches("[A-Za-z0-9_-]+")) {
            return false;
        }
        Path taskDirectory = logDirectory.resolve(task.taskId());
        if (!Files.isDirectory(taskDirectory)) {
            // no container of the task has started yet: nothing to ship
            return false;
        }
        Optional<ShippingState> stored = ShippingState.read(taskDirectory);
        if (stored.isPresent() && stored.get().done()) {
            return false;
        }
        ShippingState state = stored.orElseGet(() -> ShippingState.start(task.containers()));
        if (stored.isEmpty() && task.containers().isEmpty()) {
            return false;
        }
        List<LogLine> lines = new ArrayList<>();
        Map<String, Long> reached = new LinkedHashMap<>();
        boolean full = false;
        for (String container : state.containers()) {
            int room = MAX_BATCH_LINES - lines.size();
            if (room <= 0) {
                full = true;
                break;
            }
            LogPage page;
            try {
                page = reader.read(taskDirectory.resolve(container + LOG_SUFFIX), container, state.offset(container), room, !task.running());
            }
            catch (IOException e) {
                throw new UncheckedIOException("cannot read the log of " + task.taskId() + "/" + container, e);
            }
            lines.addAll(page.lines());
            reached.put(container, page.nextOffset());
            full |= page.lines().size() >= room;
        }
        if (!lines.isEmpty()) {
            lines.sort(Comparator.comparing(LogLine::time));
            try {
                link.shipLogs(new LogBatch(hostId, task.taskId(), lines));
            }
            catch (LogBatchRefusedException e) {
                log.warn("host {}: the control plane refuses the lines of task {}, no longer shipping them: {}", hostId, task.taskId(), e.getMessage());
                state.finished().write(taskDirectory);
                return false;
            }
        }
        ShippingState next = state.advancedTo(reached);
        if (!task.running() && !full) {
            next = next.finished();
            log.info("host {}: shipped the last container lines of task {} to CloudWatch Logs", hostId, task.taskId());
        }
        if (!next.equals(state) || stored.isEmpty()) {
            next.write(taskDirectory);
        }
        return full;
    }

    private List<String> unfinishedOnDisk()
    {
        if (!Files.isDirectory(logDirectory)) {
            return List.of();
        }
        try (Stream<Path> directories = Files.list(logDirectory)) {
            return directories.filter(directory -> Files.isRegularFile(directory.resolve(ShippingState.FILE_NAME)))
                    .map(directory -> directory.getFileName().toString())
                    .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot list " + logDirectory, e);
        }
    }

    @Override
    public synchronized void close()
    {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
