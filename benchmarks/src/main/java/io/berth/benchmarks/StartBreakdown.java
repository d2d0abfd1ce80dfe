package io.berth.benchmarks;

import software.amazon.awssdk.services.ecs.model.Task;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a task's start went, from the timestamps Berth reports (createdAt by the control plane; pullStartedAt,
 * pullStoppedAt and startedAt by the agent) and the client's wall clock at send and at the first RUNNING
 * answer. All clocks are this machine's, so the phases add up to the measured latency (to the millisecond
 * Berth's timestamps carry).
 */
final class StartBreakdown
{
    static final String ACCEPTED = "client send -> createdAt (API, auth, store, placement)";
    static final String DISPATCHED = "createdAt -> pullStartedAt (agent wakes, syncs, starts runner)";
    static final String PULLED = "pullStartedAt -> pullStoppedAt (image resolve, cached)";
    static final String STARTED = "pullStoppedAt -> startedAt (rootfs + conmon + runc)";
    static final String OBSERVED = "startedAt -> RUNNING seen (agent report + client poll)";

    private final Map<String, List<Duration>> phases = new LinkedHashMap<>();

    StartBreakdown()
    {
        for (String phase : List.of(ACCEPTED, DISPATCHED, PULLED, STARTED, OBSERVED)) {
            phases.put(phase, new ArrayList<>());
        }
    }

    void add(Instant sentAt, Task running, Instant seenAt)
    {
        add(ACCEPTED, sentAt, running.createdAt());
        add(DISPATCHED, running.createdAt(), running.pullStartedAt());
        add(PULLED, running.pullStartedAt(), running.pullStoppedAt());
        add(STARTED, running.pullStoppedAt(), running.startedAt());
        add(OBSERVED, running.startedAt(), seenAt);
    }

    private void add(String phase, Instant from, Instant to)
    {
        if (from != null && to != null) {
            // Berth's timestamps have millisecond precision: a phase shorter than that may come out negative
            Duration length = Duration.between(from, to);
            phases.get(phase).add(length.isNegative() ? Duration.ZERO : length);
        }
    }

    List<Measurement> measurements()
    {
        return phases.entrySet().stream()
                .filter(entry -> !entry.getValue().isEmpty())
                .map(entry -> Measurement.of(entry.getKey(), entry.getValue()))
                .toList();
    }
}
