package io.berth.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LogTimelineTest
{
    private static final String TASK = "e69ff9f1173505ee92478585e775b5a2";
    private static final String OTHER_TASK = "0123456789abcdef0123456789abcdef";
    private static final LocalDate DAY = LocalDate.of(2026, 11, 26);

    @Test
    void findsTheFirstLineOfEachStepOfTheTasksAskedFor(@TempDir Path directory)
            throws IOException
    {
        Path agentLog = Files.writeString(directory.resolve("agent.log"), String.join("\n",
                "Berth agent for host host-1 is up",
                "07:11:19.026 [agent-reconcile] INFO io.berth.agent.tasks.TaskReconciler - task " + TASK + ": assigned to this host",
                "07:11:19.030 [agent-reconcile] INFO io.berth.agent.tasks.TaskReconciler - task " + OTHER_TASK + ": assigned to this host",
                "07:11:19.078 [task-22] INFO io.berth.agent.network.CniTaskNetwork - task " + TASK + ": network namespace ns-" + TASK + " with address 10.0.0.2 on bridge b",
                "07:11:19.086 [task-22] INFO io.berth.agent.rootfs.OverlaySnapshotter - Mounted overlay root filesystem for " + TASK + "-main over 1 layers",
                "07:11:19.178 [task-22] INFO io.berth.agent.runtime.RuncConmonRuntime - Started container " + TASK + "-main",
                "07:11:19.190 [task-22] INFO io.berth.agent.runtime.RuncConmonRuntime - Started container " + TASK + "-sidecar"));
        Path serverLog = Files.writeString(directory.resolve("server.log"),
                "07:11:19.186 [] INFO io.berth.controlplane.agents.AgentGateway - Task " + TASK + " on host host-1: PENDING -> RUNNING\n");

        LogTimeline timeline = LogTimeline.read(List.of(agentLog, serverLog, directory.resolve("missing.log")), Set.of(TASK), DAY);

        assertThat(timeline.at(TASK, LogTimeline.Event.AGENT_HAS_TASK)).contains(at("07:11:19.026"));
        assertThat(timeline.at(TASK, LogTimeline.Event.NETWORK_READY)).contains(at("07:11:19.078"));
        assertThat(timeline.at(TASK, LogTimeline.Event.ROOTFS_MOUNTED)).contains(at("07:11:19.086"));
        assertThat(timeline.at(TASK, LogTimeline.Event.CONTAINER_STARTED)).contains(at("07:11:19.178"));
        assertThat(timeline.at(TASK, LogTimeline.Event.CONTROL_PLANE_RUNNING)).contains(at("07:11:19.186"));
        assertThat(timeline.at(OTHER_TASK, LogTimeline.Event.AGENT_HAS_TASK)).isEmpty();
    }

    @Test
    void detailedBreakdownSplitsTheStartBetweenTimestampsAndLogLines(@TempDir Path directory)
            throws IOException
    {
        Path log = Files.writeString(directory.resolve("berth.log"), String.join("\n",
                "07:11:19.026 [r] INFO x - task " + TASK + ": assigned to this host",
                "07:11:19.078 [t] INFO x - task " + TASK + ": network namespace n with address 10.0.0.2 on bridge b",
                "07:11:19.086 [t] INFO x - Mounted overlay root filesystem for " + TASK + "-main over 1 layers",
                "07:11:19.186 [] INFO x - Task " + TASK + " on host h: PENDING -> RUNNING"));
        Task running = Task.builder()
                .taskArn("arn:aws:ecs:us-east-1:1:task/bench/" + TASK)
                .createdAt(at("07:11:19.015"))
                .pullStartedAt(at("07:11:19.027"))
                .pullStoppedAt(at("07:11:19.035"))
                .startedAt(at("07:11:19.180"))
                .build();
        StartSample sample = new StartSample(at("07:11:19.012"), running, at("07:11:19.196"));

        List<Measurement> phases = StartBreakdown.detailed(List.of(sample), LogTimeline.read(List.of(log), Set.of(TASK), DAY));

        assertThat(phases).extracting(phase -> phase.summary().p50().toMillis())
                .containsExactly(3L, 11L, 1L, 8L, 43L, 8L, 94L, 6L, 10L);
        Duration total = phases.stream().map(phase -> phase.summary().p50()).reduce(Duration.ZERO, Duration::plus);
        assertThat(total).isEqualTo(Duration.between(sample.sentAt(), sample.seenAt()));
    }

    private static Instant at(String time)
    {
        return LocalTime.parse(time).atDate(DAY).atZone(ZoneId.systemDefault()).toInstant();
    }
}
