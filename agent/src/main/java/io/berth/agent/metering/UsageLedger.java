package io.berth.agent.metering;

import io.berth.agent.runtime.ContainerUsage;
import io.berth.common.agentprotocol.TaskUsage;
import io.berth.common.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * The accumulated usage of every container on this host, one JSON file per container, written atomically so
 * that an agent restart (or crash) resumes from a recent reading instead of zero. A container's first and last
 * readings are written at once, the ones between at most every {@link #SAVE_INTERVAL} (a write per container
 * per sample was most of an idle host's metering cost): a crash loses at most that much of the used figures,
 * never the billed window, which comes from the task's timestamps.
 * Container ids are "taskId-containerName" (see the task records), which is how a task finds its containers.
 */
public final class UsageLedger
{
    private static final Logger log = LoggerFactory.getLogger(UsageLedger.class);
    private static final double MIB = 1024.0 * 1024.0;
    private static final String SUFFIX = ".usage.json";

    static final Duration SAVE_INTERVAL = Duration.ofSeconds(30);

    private final Path directory;
    /**
     * Sorted by container id, so a task's containers ("taskId-name") are one range of it: every sync asks for the usage
     * of each task the host holds, and a scan of every container for each task cost a host of 100 idle tasks 10,000
     * comparisons a heartbeat.
     */
    private final ConcurrentNavigableMap<String, ContainerMeter> meters = new ConcurrentSkipListMap<>();
    /** When each container's record was last written; a container missing here has readings not yet written. */
    private final Map<String, Instant> savedAt = new HashMap<>();

    public UsageLedger(Path directory)
    {
        this.directory = requireNonNull(directory, "directory is null");
        try {
            Files.createDirectories(directory);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot create the usage directory " + directory, e);
        }
        load();
    }

    /** Adds a reading of the container's cgroup counters, taken at the given time; written if the last write is old. */
    public synchronized void record(String containerId, ContainerUsage usage, Instant at)
    {
        record(containerId, usage, at, false);
    }

    /** Adds a container's last reading (before its removal) and writes it at once. */
    public synchronized void recordLast(String containerId, ContainerUsage usage, Instant at)
    {
        record(containerId, usage, at, true);
    }

    private void record(String containerId, ContainerUsage usage, Instant at, boolean writeNow)
    {
        requireNonNull(usage, "usage is null");
        requireNonNull(at, "at is null");
        ContainerMeter updated = meters.compute(containerId, (id, meter) -> meter == null ? ContainerMeter.first(id, usage, at) : meter.plus(usage, at));
        Instant lastWrite = savedAt.get(containerId);
        if (writeNow || lastWrite == null || !at.isBefore(lastWrite.plus(SAVE_INTERVAL))) {
            save(updated, at);
        }
    }

    /** Writes every reading not yet written, as an agent does before it stops. */
    public synchronized void flush()
    {
        for (ContainerMeter meter : meters.values()) {
            Instant lastWrite = savedAt.get(meter.containerId());
            if (lastWrite == null || lastWrite.isBefore(meter.lastSampleAt())) {
                save(meter, meter.lastSampleAt());
            }
        }
    }

    /** The usage of a task's containers so far; empty before its first reading. */
    public Optional<TaskUsage> taskUsage(String taskId)
    {
        List<ContainerMeter> containers = List.copyOf(containersOf(taskId).values());
        if (containers.isEmpty()) {
            return Optional.empty();
        }
        Instant first = containers.stream().map(ContainerMeter::firstSampleAt).min(Instant::compareTo).orElseThrow();
        Instant last = containers.stream().map(ContainerMeter::lastSampleAt).max(Instant::compareTo).orElseThrow();
        double sampledSeconds = Duration.between(first, last).toNanos() / 1e9;
        double cpuSeconds = containers.stream().mapToLong(ContainerMeter::cpuNanos).sum() / 1e9;
        // a multi-container task's peak is bounded by the sum of its containers' peaks: erring high keeps
        // right-sizing advice from ever suggesting a size too small
        double peakMiB = containers.stream().mapToLong(ContainerMeter::peakMemoryBytes).sum() / MIB;
        double averageMiB = sampledSeconds > 0
                ? containers.stream().mapToDouble(ContainerMeter::memoryByteSeconds).sum() / sampledSeconds / MIB
                : containers.stream().mapToLong(ContainerMeter::lastMemoryBytes).sum() / MIB;
        return Optional.of(new TaskUsage(cpuSeconds, averageMiB, peakMiB, sampledSeconds, last));
    }

    /** The meters of a task's containers: the ids from "taskId-" up to "taskId." ('.' follows '-'). */
    private NavigableMap<String, ContainerMeter> containersOf(String taskId)
    {
        return meters.subMap(taskId + "-", true, taskId + ".", false);
    }

    /**
     * Forgets (and deletes the files of) every container that belongs to none of the tasks held and was last read before
     * the cutoff: a task's containers stay while the host holds it, and a little after, in case it comes back.
     */
    public synchronized void retainOnly(Collection<String> heldTaskIds, Instant cutoff)
    {
        Set<String> held = new HashSet<>();
        heldTaskIds.forEach(taskId -> held.addAll(containersOf(taskId).keySet()));
        retainOnly(containerId -> held.contains(containerId) || lastSampleAt(containerId).map(last -> last.isAfter(cutoff)).orElse(false));
    }

    private void retainOnly(Predicate<String> keep)
    {
        for (String containerId : List.copyOf(meters.keySet())) {
            if (!keep.test(containerId)) {
                meters.remove(containerId);
                savedAt.remove(containerId);
                try {
                    Files.deleteIfExists(file(containerId));
                }
                catch (IOException e) {
                    log.warn("cannot delete the usage record of container {}: {}", containerId, e.getMessage());
                }
            }
        }
    }

    /** When the container was last read; empty if it has no usage on record. */
    public Optional<Instant> lastSampleAt(String containerId)
    {
        return Optional.ofNullable(meters.get(containerId)).map(ContainerMeter::lastSampleAt);
    }

    /** The containers with usage on record. */
    public List<String> containerIds()
    {
        return List.copyOf(meters.keySet());
    }

    private void save(ContainerMeter meter, Instant readingAt)
    {
        Path target = file(meter.containerId());
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.write(temporary, Json.mapper().writeValueAsBytes(meter));
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            savedAt.put(meter.containerId(), readingAt);
        }
        catch (IOException e) {
            // the reading stays in memory and the next one tries again
            log.warn("cannot save the usage of container {}: {}", meter.containerId(), e.getMessage());
        }
    }

    private void load()
    {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(path -> path.getFileName().toString().endsWith(SUFFIX)).toList()) {
                try {
                    ContainerMeter meter = Json.mapper().readValue(file.toFile(), ContainerMeter.class);
                    meters.put(meter.containerId(), meter);
                    savedAt.put(meter.containerId(), meter.lastSampleAt());
                }
                catch (IOException e) {
                    log.warn("ignoring unreadable usage record {}: {}", file, e.getMessage());
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read the usage directory " + directory, e);
        }
    }

    private Path file(String containerId)
    {
        if (containerId.contains("/") || containerId.startsWith(".")) {
            throw new IllegalArgumentException("invalid container id: " + containerId);
        }
        return directory.resolve(containerId + SUFFIX);
    }
}
