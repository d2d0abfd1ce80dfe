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
 * answer; in detail with the times of Berth's own log lines ({@link LogTimeline}) between them. All clocks are
 * this machine's, so the phases add up to the measured latency (to the millisecond Berth's times carry).
 */
final class StartBreakdown
{
    static final String ACCEPTED = "client send -> createdAt (API, auth, store, placement)";
    static final String DISPATCHED = "createdAt -> pullStartedAt (agent wakes, syncs, starts runner)";
    static final String PULLED = "pullStartedAt -> pullStoppedAt (image resolve, cached)";
    static final String STARTED = "pullStoppedAt -> startedAt (network + storage + rootfs + conmon + runc)";
    static final String OBSERVED = "startedAt -> RUNNING seen (agent report + client poll)";

    private static final String WOKEN = "createdAt -> agent has the task (long-poll wake-up + sync)";
    private static final String RUNNER = "agent has the task -> pullStartedAt (runner starts)";
    private static final String NETWORK = "pullStoppedAt -> network ready (CNI: netns, veth, IP)";
    private static final String STORAGE_ALONE = "  (beside: pullStoppedAt -> task storage mounted: mkfs.ext4, loop device, mount)";
    private static final String ROOTFS_ALONE = "  (beside: task storage mounted -> overlay rootfs mounted)";
    private static final String ROOTFS = "network ready -> overlay rootfs mounted, when later (made beside the network)";
    private static final String CONTAINER = "network and rootfs ready -> startedAt (conmon + runc)";
    private static final String REPORTED = "startedAt -> control plane has RUNNING (report sync)";
    private static final String POLLED = "control plane has RUNNING -> client sees it (poll)";

    private StartBreakdown() {}

    static List<Measurement> of(List<StartSample> samples)
    {
        Phases phases = new Phases();
        for (StartSample sample : samples) {
            Task task = sample.running();
            phases.add(ACCEPTED, sample.sentAt(), task.createdAt());
            phases.add(DISPATCHED, task.createdAt(), task.pullStartedAt());
            phases.add(PULLED, task.pullStartedAt(), task.pullStoppedAt());
            phases.add(STARTED, task.pullStoppedAt(), task.startedAt());
            phases.add(OBSERVED, task.startedAt(), sample.seenAt());
        }
        return phases.measurements();
    }

    static List<Measurement> detailed(List<StartSample> samples, LogTimeline timeline)
    {
        Phases phases = new Phases();
        for (StartSample sample : samples) {
            Task task = sample.running();
            String id = sample.taskId();
            Instant agentHasTask = timeline.at(id, LogTimeline.Event.AGENT_HAS_TASK).orElse(null);
            Instant networkReady = timeline.at(id, LogTimeline.Event.NETWORK_READY).orElse(null);
            Instant storageReady = timeline.at(id, LogTimeline.Event.STORAGE_READY).orElse(null);
            Instant rootfsMounted = timeline.at(id, LogTimeline.Event.ROOTFS_MOUNTED).orElse(null);
            Instant controlPlaneRunning = timeline.at(id, LogTimeline.Event.CONTROL_PLANE_RUNNING).orElse(null);
            phases.add(ACCEPTED, sample.sentAt(), task.createdAt());
            phases.add(WOKEN, task.createdAt(), agentHasTask);
            phases.add(RUNNER, agentHasTask, task.pullStartedAt());
            phases.add(PULLED, task.pullStartedAt(), task.pullStoppedAt());
            phases.add(NETWORK, task.pullStoppedAt(), networkReady);
            // the root filesystem is mounted in the storage while the network is still being made: the start waits for the later
            Instant prepared = networkReady == null || rootfsMounted == null ? null : rootfsMounted.isAfter(networkReady) ? rootfsMounted : networkReady;
            phases.add(STORAGE_ALONE, task.pullStoppedAt(), storageReady);
            phases.add(ROOTFS_ALONE, storageReady, rootfsMounted);
            phases.add(ROOTFS, networkReady, prepared);
            phases.add(CONTAINER, prepared, task.startedAt());
            phases.add(REPORTED, task.startedAt(), controlPlaneRunning);
            phases.add(POLLED, controlPlaneRunning, sample.seenAt());
        }
        return phases.measurements();
    }

    private static final class Phases
    {
        private final Map<String, List<Duration>> phases = new LinkedHashMap<>();

        void add(String phase, Instant from, Instant to)
        {
            List<Duration> samples = phases.computeIfAbsent(phase, name -> new ArrayList<>());
            if (from != null && to != null) {
                // Berth's times have millisecond precision: a phase shorter than that may come out negative
                Duration length = Duration.between(from, to);
                samples.add(length.isNegative() ? Duration.ZERO : length);
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
}
