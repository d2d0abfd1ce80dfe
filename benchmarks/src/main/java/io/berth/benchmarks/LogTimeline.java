package io.berth.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When Berth's own log lines say each step of a task's start happened: the agent got the assignment, the task's
 * network was ready, its storage made, the overlay root filesystem mounted, the container started, and the control plane recorded
 * RUNNING. Berth logs with a HH:mm:ss.SSS time of this machine's clock (the benchmark sets the format), so these
 * fall between the task's own timestamps and split the steps the timestamps lump together.
 */
final class LogTimeline
{
    enum Event
    {
        AGENT_HAS_TASK("task (\\p{XDigit}{32}): assigned to this host"),
        NETWORK_READY("task (\\p{XDigit}{32}): network namespace "),
        STORAGE_READY("task (\\p{XDigit}{32}): ephemeral storage of "),
        ROOTFS_MOUNTED("Mounted overlay root filesystem for (\\p{XDigit}{32})-"),
        CONTAINER_STARTED("Started container (\\p{XDigit}{32})-"),
        CONTROL_PLANE_RUNNING("Task (\\p{XDigit}{32}) on host \\S+: \\S+ -> RUNNING");

        private final Pattern pattern;

        Event(String regex)
        {
            this.pattern = Pattern.compile(regex);
        }
    }

    private static final Pattern TIME = Pattern.compile("^(\\d{2}:\\d{2}:\\d{2}\\.\\d{3}) ");

    private final Map<String, Map<Event, Instant>> events;

    private LogTimeline(Map<String, Map<Event, Instant>> events)
    {
        this.events = events;
    }

    /** The first time each event was logged for each of the tasks, from the log files of one day (the given one). */
    static LogTimeline read(List<Path> logFiles, Set<String> taskIds, LocalDate day)
            throws IOException
    {
        Map<String, Map<Event, Instant>> events = new HashMap<>();
        ZoneId zone = ZoneId.systemDefault();
        for (Path file : logFiles) {
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                Matcher time = TIME.matcher(line);
                if (!time.find()) {
                    continue;
                }
                for (Event event : Event.values()) {
                    Matcher matcher = event.pattern.matcher(line);
                    if (matcher.find() && taskIds.contains(matcher.group(1))) {
                        try {
                            Instant at = LocalTime.parse(time.group(1)).atDate(day).atZone(zone).toInstant();
                            events.computeIfAbsent(matcher.group(1), id -> new HashMap<>()).putIfAbsent(event, at);
                        }
                        catch (DateTimeParseException e) {
                            // not a time after all: skip the line
                        }
                    }
                }
            }
        }
        return new LogTimeline(events);
    }

    Optional<Instant> at(String taskId, Event event)
    {
        return Optional.ofNullable(events.getOrDefault(taskId, Map.of()).get(event));
    }
}
