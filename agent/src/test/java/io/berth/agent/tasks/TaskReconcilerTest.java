package io.berth.agent.tasks;

import io.berth.agent.network.TestPlans;
import io.berth.agent.userns.IdMapping;
import io.berth.agent.userns.IdRangePool;
import io.berth.agent.userns.IdRanges;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.ControlPlaneLink;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskAssignment.DesiredStatus;
import io.berth.common.agentprotocol.TaskSecrets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TaskReconcilerTest
{
    private static final String TASK_ID = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path directory;

    private final FakeHost host = new FakeHost();
    private TaskReconciler reconciler;

    @AfterEach
    void shutdown()
    {
        if (reconciler != null) {
            reconciler.shutdown();
        }
    }

    @Test
    void thePlanIsAppliedBeforeTheAnswersTasksLaunchAndTheTaskCarriesItsAccount()
    {
        TaskAssignment assignment = new TaskAssignment(TASK_ID, "arn:aws:ecs:us-east-1:111111111111:task/default/" + TASK_ID, DesiredStatus.RUNNING, 256, 512,
                List.of(new ContainerSpec("app", "registry/app:1", null, List.of("serve"), Map.of(), null, null, true, null, null, 30)),
                null, null, null, Map.of(), "111111111111");
        ControlPlaneLink link = new ControlPlaneLink()
        {
            @Override
            public SyncResponse sync(SyncRequest request)
            {
                return new SyncResponse(List.of(assignment), TestPlans.singleHost("10.241.3.0/24"));
            }

            @Override
            public void awaitChange(String hostId, Duration timeout) {}
        };
        AtomicInteger applied = new AtomicInteger();
        reconciler = new TaskReconciler(new HostInfo("host-1", "10.242.0.1", 1024, 2048, Map.of()), link, host.services(directory), () -> {},
                () -> {
                    // the agent starts the metadata endpoint here: no task may have asked for a network yet
                    assertThat(host.events).doesNotContain("network-up:111111111111");
                    applied.incrementAndGet();
                });

        reconciler.reconcile();

        await().atMost(Duration.ofSeconds(10)).until(() -> host.events.contains("start:" + TASK_ID + "-app"));
        assertThat(applied).hasValue(1);
        assertThat(host.events.stream().filter(event -> !event.startsWith("storage-")).limit(2)).containsExactly("network-plan", "network-up:111111111111");
    }

    @Test
    void secretValuesReachTheContainerButNotTheRecordOnDisk()
            throws Exception
    {
        TaskAssignment assignment = new TaskAssignment(TASK_ID, "arn:aws:ecs:us-east-1:111111111111:task/default/" + TASK_ID, DesiredStatus.RUNNING, 256, 512,
                List.of(new ContainerSpec("app", "registry/app:1", null, List.of("serve"), Map.of("PLAIN", "p", "DB_PASSWORD", "overridden"), null, null, true, null, null, 30)),
                null, null, null, Map.of(), "111111111111", null, null, null,
                new TaskSecrets(Map.of("app", Map.of("DB_PASSWORD", "secret-value-42")), Map.of()), null);
        ControlPlaneLink link = new ControlPlaneLink()
        {
            @Override
            public SyncResponse sync(SyncRequest request)
            {
                return new SyncResponse(List.of(assignment), null);
            }

            @Override
            public void awaitChange(String hostId, Duration timeout) {}
        };
        HostServices services = host.services(directory);
        reconciler = new TaskReconciler(new HostInfo("host-1", "10.242.0.1", 1024, 2048, Map.of()), link, services, () -> {});

        reconciler.reconcile();

        await().atMost(Duration.ofSeconds(10)).until(() -> !host.launches.isEmpty());
        // the secret wins over an environment entry of the same name
        assertThat(host.launches.get(0).env()).contains("DB_PASSWORD=secret-value-42", "PLAIN=p");
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(directory)) {
            for (Path file : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                assertThat(java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1)).as(file.toString()).doesNotContain("secret-value-42");
            }
        }
        assertThat(services.records().loadAll()).singleElement().satisfies(record -> assertThat(record.assignment().secrets()).isEqualTo(TaskSecrets.NONE));
    }

    @Test
    void aRestartedAgentKeepsTheStorageOfARunningTaskAndRemovesTheStorageOfTasksThatAreGone()
    {
        TaskAssignment assignment = new TaskAssignment(TASK_ID, "arn:aws:ecs:us-east-1:111111111111:task/default/" + TASK_ID, DesiredStatus.RUNNING, 256, 512,
                List.of(new ContainerSpec("app", "registry/app:1", null, List.of("serve"), Map.of(), null, null, true, null, null, 30)),
                null, null, null, Map.of(), "111111111111", 21, null, null);
        HostServices services = host.services(directory);
        TaskRecord running = TaskRecord.fresh(assignment).withRunning(java.time.Instant.now())
                .withContainer("app", io.berth.agent.tasks.ContainerRecord::running);
        services.records().save(running);
        host.containers.put(TASK_ID + "-app", new io.berth.agent.runtime.ContainerStatus.Running(42));
        host.storage.sizes.put(TASK_ID, 21);
        host.storage.sizes.put("fedcba9876543210fedcba9876543210", 20);
        reconciler = new TaskReconciler(new HostInfo("host-1", "10.242.0.1", 1024, 2048, Map.of()), new ControlPlaneLink()
        {
            @Override
            public SyncResponse sync(SyncRequest request)
            {
                return new SyncResponse(List.of(assignment), null);
            }

            @Override
            public void awaitChange(String hostId, Duration timeout) {}
        }, services, () -> {});

        reconciler.resume();

        assertThat(host.storage.sizes).containsOnlyKeys(TASK_ID);
        assertThat(host.events).doesNotContain("start:" + TASK_ID + "-app").containsOnlyOnce("storage-down");
    }

    @Test
    void aRestartedAgentKeepsTheRangesOfTasksNotYetCleanedUpTaken()
            throws Exception
    {
        TaskRecordStore records = new TaskRecordStore(directory.resolve("tasks"));
        IdMapping running = new IdMapping(1L << 30, 65536);
        IdMapping stopped = new IdMapping((1L << 30) + 65536, 65536);
        records.save(TaskRecord.fresh(assignment("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).withIdMapping(running).withRunning(java.time.Instant.now()));
        records.save(TaskRecord.fresh(assignment("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")).withIdMapping(stopped).withStopped(java.time.Instant.now()));
        // its container still runs, so the resumed runner adopts it and the task keeps its range
        host.containers.put("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-app", new io.berth.agent.runtime.ContainerStatus.Running(4242));
        IdRanges ranges = new IdRanges(new IdRangePool(1L << 30, 65536, 2));
        ControlPlaneLink link = new ControlPlaneLink()
        {
            @Override
            public SyncResponse sync(SyncRequest request)
            {
                return new SyncResponse(List.of(), null);
            }

            @Override
            public void awaitChange(String hostId, Duration timeout) {}
        };
        reconciler = new TaskReconciler(new HostInfo("host-1", "10.242.0.1", 1024, 2048, Map.of()), link, host.services(directory).withIdRanges(ranges), () -> {});

        reconciler.resume();

        // the running task's range stays its own; the stopped task's was released when its cleanup finished
        assertThat(ranges.heldBy("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).contains(running);
        assertThat(ranges.allocate("cccccccccccccccccccccccccccccccc")).isEqualTo(stopped);
    }

    private static TaskAssignment assignment(String taskId)
    {
        return new TaskAssignment(taskId, "arn:aws:ecs:us-east-1:111111111111:task/default/" + taskId, DesiredStatus.RUNNING, 256, 512,
                List.of(new ContainerSpec("app", "registry/app:1", null, List.of("serve"), Map.of(), null, null, true, null, null, 30)));
    }
}
