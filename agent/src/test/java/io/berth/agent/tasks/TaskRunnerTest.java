package io.berth.agent.tasks;

import io.berth.agent.userns.IdMapping;
import io.berth.agent.userns.IdRangePool;
import io.berth.agent.userns.IdRanges;
import io.berth.common.agentprotocol.ContainerDependency;
import io.berth.common.agentprotocol.ContainerHealthCheck;
import io.berth.common.agentprotocol.HealthStatus;
import io.berth.common.agentprotocol.ContainerDependency.Condition;
import io.berth.common.agentprotocol.ContainerLinuxOptions;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskAssignment.DesiredStatus;
import io.berth.common.agentprotocol.TaskReport.Status;
import io.berth.agent.process.TaskTransitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TaskRunnerTest
{
    private static final String TASK_ID = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path directory;

    private final FakeHost host = new FakeHost();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private static TaskAssignment assignment(ContainerSpec... containers)
    {
        return assignmentOf(TASK_ID, containers);
    }

    private static TaskAssignment assignmentOf(String taskId, ContainerSpec... containers)
    {
        return new TaskAssignment(taskId, "arn:aws:ecs:us-east-1:000000000000:task/default/" + taskId, DesiredStatus.RUNNING, 256, 512, List.of(containers));
    }

    private static ContainerSpec container(String name, boolean essential, Integer stopTimeout)
    {
        return new ContainerSpec(name, "registry/app:1", null, List.of("serve"), Map.of("MODE", "test"), null, null, essential, null, null, stopTimeout);
    }

    private static ContainerSpec dependent(String name, boolean essential, String dependency, Condition condition)
    {
        return new ContainerSpec(name, "registry/app:1", null, List.of("serve"), Map.of(), null, null, essential, null, null, 30,
                List.of(new ContainerDependency(dependency, condition)), ContainerLinuxOptions.DEFAULT);
    }

    /** A container with a health check every second that fails after retries failures. */
    private static ContainerSpec checked(String name, boolean essential, int retries, ContainerDependency... dependsOn)
    {
        return new ContainerSpec(name, "registry/app:1", null, List.of("serve"), Map.of(), null, null, essential, null, null, 1, List.of(dependsOn),
                ContainerLinuxOptions.DEFAULT, new ContainerHealthCheck(List.of("CMD-SHELL", "test -f /tmp/ok"), 1, 1, retries, 0));
    }

    private static String id(String containerName)
    {
        return TASK_ID + "-" + containerName;
    }

    private TaskRunner runner(TaskAssignment assignment)
    {
        return new TaskRunner(TaskRecord.fresh(assignment), host.services(directory), () -> {});
    }

    private Future<?> start(TaskRunner runner)
    {
        return executor.submit(runner);
    }

    @Test
    void failedPullStopsTheTaskWithTheRegistrysReason()
            throws Exception
    {
        host.pullFailure = "failed to resolve reference \"registry/app:1\": not found";
        TaskRunner runner = runner(assignment(container("app", true, null)));
        start(runner).get(10, TimeUnit.SECONDS);

        TaskRecord record = runner.record();
        assertThat(record.status()).isEqualTo(Status.STOPPED);
        assertThat(record.stopCode()).isEqualTo(TaskRunner.TASK_FAILED_TO_START);
        assertThat(record.stoppedReason()).isEqualTo("CannotPullContainerError: failed to resolve reference \"registry/app:1\": not found");
        assertThat(record.containers()).singleElement().satisfies(container -> assertThat(container.exitCode()).isNull());
        assertThat(host.launches).isEmpty();
    }

    @Test
    void aStartAndAStopCountAsTransitionsAndOnlyStatusChangesWakeTheAgent()
            throws Exception
    {
        TaskTransitions transitions = new TaskTransitions();
        AtomicInteger wakeUps = new AtomicInteger();
        TaskRunner runner = new TaskRunner(TaskRecord.fresh(assignment(container("app", true, null))), host.services(directory).withTransitions(transitions),
                wakeUps::incrementAndGet);
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);
        await().atMost(Duration.ofSeconds(5)).until(() -> transitions.count() == 0);
        // pull times, digest and address go with RUNNING, and the last container's start is the task's: one wake-up,
        // so one sync reports the start
        int startWakeUps = wakeUps.get();
        assertThat(startWakeUps).isEqualTo(1);

        host.exit(TASK_ID + "-app", 0, false);
        lifecycle.get(10, TimeUnit.SECONDS);

        assertThat(runner.record().status()).isEqualTo(Status.STOPPED);
        assertThat(transitions.count()).isZero();
        assertThat(wakeUps.get()).isGreaterThan(startWakeUps);
    }

    @Test
    void runningAndStoppedAreToldAsAwaitedAndTheStepsBetweenAsStepsThatMayWait()
            throws Exception
    {
        List<Boolean> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        TaskRunner runner = new TaskRunner(TaskRecord.fresh(assignment(container("app", true, null))), host.services(directory), told::add, false);
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);
        assertThat(told).containsExactly(true);

        runner.requestStop();
        // the fake container exits when the test says so, as one that ends on SIGTERM would
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.STOPPING);
        host.exit(TASK_ID + "-app", 0, false);
        lifecycle.get(10, TimeUnit.SECONDS);

        assertThat(runner.record().status()).isEqualTo(Status.STOPPED);
        // the stop's steps (its reason, the container's exit) may wait for STOPPED, which is told at once, last
        assertThat(told.subList(1, told.size() - 1)).isNotEmpty().containsOnly(false);
        assertThat(told.getLast()).isTrue();
    }

    @Test
    void tasksPrepareInTurnsAndATaskStoppedWhileWaitingForItsTurnEndsWithoutBeingPrepared()
            throws Exception
    {
        TaskTransitions oneAtATime = new TaskTransitions(1);
        HostServices services = host.services(directory).withTransitions(oneAtATime);
        host.pullGate = new CountDownLatch(1);
        TaskRunner first = new TaskRunner(TaskRecord.fresh(assignment(container("app", true, null))), services, () -> {});
        String secondId = "1123456789abcdef0123456789abcdef";
        TaskRunner second = new TaskRunner(TaskRecord.fresh(assignmentOf(secondId, container("app", true, null))), services, () -> {});
        String thirdId = "2123456789abcdef0123456789abcdef";
        TaskRunner third = new TaskRunner(TaskRecord.fresh(assignmentOf(thirdId, container("app", true, null))), services, () -> {});
        start(first);
        await().atMost(Duration.ofSeconds(5)).until(() -> first.record().pullStartedAt() != null);
        start(second);
        Future<?> thirdLifecycle = start(third);
        await().atMost(Duration.ofSeconds(5)).until(() -> oneAtATime.waitingForStartTurn() == 2);

        // the first holds the only turn while its pull waits: the others are not prepared
        Thread.sleep(200);
        assertThat(second.record().pullStartedAt()).isNull();
        assertThat(third.record().pullStartedAt()).isNull();

        // a stop asked of a waiting task ends it at once, never prepared, with nothing made for it
        third.requestStop();
        thirdLifecycle.get(5, TimeUnit.SECONDS);
        assertThat(third.record().status()).isEqualTo(Status.STOPPED);
        assertThat(third.record().pullStartedAt()).isNull();
        assertThat(host.launches).noneMatch(launch -> launch.containerId().startsWith(thirdId));
        assertThat(host.networks).doesNotContainKey(thirdId);

        host.pullGate.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> first.record().status() == Status.RUNNING && second.record().status() == Status.RUNNING);
        // the second was prepared only once the first's containers had started
        assertThat(second.record().pullStartedAt()).isAfterOrEqualTo(first.record().startedAt());
        assertThat(oneAtATime.waitingForStartTurn()).isZero();
    }

    @Test
    void containerThatCannotStartStopsTheTask()
            throws Exception
    {
        host.startFailure = "exec: \"serve\": executable file not found in $PATH";
        TaskRunner runner = runner(assignment(container("app", true, null)));
        start(runner).get(10, TimeUnit.SECONDS);

        assertThat(runner.record().stopCode()).isEqualTo(TaskRunner.TASK_FAILED_TO_START);
        assertThat(runner.record().stoppedReason()).startsWith("CannotStartContainerError: exec: \"serve\"");
        assertThat(host.snapshots).isEmpty();
    }

    @Test
    void essentialContainerExitStopsTheOthers()
            throws Exception
    {
        TaskRunner runner = runner(assignment(container("app", true, null), container("sidecar", false, 1)));
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);
        assertThat(host.launches).extracting(launch -> launch.args()).containsOnly(List.of("serve"));
        assertThat(host.launches.get(0).env()).contains("PATH=/bin", "MODE=test");

        host.exit(TASK_ID + "-app", 3, false);
        lifecycle.get(10, TimeUnit.SECONDS);

        TaskRecord record = runner.record();
        assertThat(record.status()).isEqualTo(Status.STOPPED);
        assertThat(record.stopCode()).isEqualTo(TaskRunner.ESSENTIAL_CONTAINER_EXITED);
        assertThat(record.containers()).extracting(ContainerRecord::name, ContainerRecord::exitCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("app", 3), org.assertj.core.groups.Tuple.tuple("sidecar", 137));
        assertThat(host.containers).isEmpty();
        assertThat(host.snapshots).isEmpty();
    }

    @Test
    void cleanupGoesOnPastAFailedStepAndRetriesItUntilTheTaskIsStopped()
            throws Exception
    {
        TaskRunner runner = new TaskRunner(TaskRecord.fresh(assignment(container("app", true, 1))), host.services(directory), () -> {},
                new RetryBackoff(Duration.ofMillis(20), Duration.ofMillis(40)));
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);
        host.deleteFailures.set(3);

        host.exit(TASK_ID + "-app", 0, false);
        // the first pass could not delete the container, yet removed the rootfs and the network (beside the delete)
        await().atMost(Duration.ofSeconds(5)).until(() -> host.events.contains("network-down") && host.events.contains("delete-failed:" + TASK_ID + "-app"));
        assertThat(host.snapshots).isEmpty();

        lifecycle.get(10, TimeUnit.SECONDS);
        // released in the first pass, not only once the container was finally deleted
        assertThat(host.events.indexOf("network-down")).isLessThan(host.events.indexOf("delete:" + TASK_ID + "-app"));
        assertThat(host.events).filteredOn(event -> event.startsWith("delete-failed:")).hasSize(3);
        assertThat(host.events).contains("delete:" + TASK_ID + "-app");
        assertThat(host.containers).isEmpty();
        assertThat(runner.record().status()).isEqualTo(Status.STOPPED);
    }

    @Test
    void stopSendsTermThenKillAfterTheStopTimeout()
            throws Exception
    {
        TaskRunner runner = runner(assignment(container("app", true, 1)));
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);

        runner.requestStop();
        lifecycle.get(10, TimeUnit.SECONDS);

        assertThat(host.signals).containsExactly(TASK_ID + "-app:15", TASK_ID + "-app:9");
        assertThat(runner.record().containers().get(0).exitCode()).isEqualTo(137);
        assertThat(runner.record().status()).isEqualTo(Status.STOPPED);
    }

    @Test
    void containerThatHandlesTermIsNotKilled()
            throws Exception
    {
        host.fatalSignals = java.util.Set.of(15, 9);
        TaskRunner runner = runner(assignment(container("app", true, 30)));
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);

        runner.requestStop();
        lifecycle.get(10, TimeUnit.SECONDS);

        assertThat(host.signals).containsExactly(TASK_ID + "-app:15");
        assertThat(runner.record().containers().get(0).exitCode()).isEqualTo(143);
    }

    @Test
    void outOfMemoryKillIsReported()
            throws Exception
    {
        TaskRunner runner = runner(assignment(container("app", true, null)));
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);

        host.exit(TASK_ID + "-app", 137, true);
        lifecycle.get(10, TimeUnit.SECONDS);

        assertThat(runner.record().containers().get(0).reason()).isEqualTo("OutOfMemoryError: Container killed due to memory usage");
        assertThat(runner.record().containers().get(0).exitCode()).isEqualTo(137);
    }

    @Test
    void resumedRunnerAdoptsTheRunningContainerInsteadOfStartingIt()
            throws Exception
    {
        TaskRunner first = runner(assignment(container("app", true, null)));
        Future<?> firstLifecycle = start(first);
        await().atMost(Duration.ofSeconds(5)).until(() -> first.record().status() == Status.RUNNING);
        first.detach();
        firstLifecycle.cancel(true);

        TaskRecord saved = host.services(directory).records().loadAll().get(0);
        TaskRunner resumed = new TaskRunner(saved, host.services(directory), () -> {});
        Future<?> lifecycle = start(resumed);
        host.exit(TASK_ID + "-app", 0, false);
        lifecycle.get(10, TimeUnit.SECONDS);

        assertThat(host.launches).hasSize(1);
        assertThat(resumed.record().containers().get(0).exitCode()).isZero();
        assertThat(resumed.record().status()).isEqualTo(Status.STOPPED);
    }

    @Test
    void networkIsSetUpBeforeTheContainersStartAndReleasedBesideTheirRemoval()
            throws Exception
    {
        TaskRunner runner = runner(assignment(container("app", true, null)));
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);
        assertThat(host.launches).singleElement().satisfies(launch -> assertThat(launch.networkNamespacePath()).isEqualTo(Path.of("/run/netns/test-" + TASK_ID)));
        assertThat(runner.record().toReport().network().privateIPv4Address()).isEqualTo("10.213.0.2");

        host.exit(id("app"), 0, false);
        lifecycle.get(10, TimeUnit.SECONDS);

        // the network and the storage are made side by side, and the root filesystem in the storage beside the network
        assertThat(host.events.subList(0, 3)).containsExactlyInAnyOrder("network-up", "storage-up:20", "rootfs-prepared:" + id("app"));
        assertThat(host.events.indexOf("storage-up:20")).isLessThan(host.events.indexOf("rootfs-prepared:" + id("app")));
        assertThat(host.events.get(3)).isEqualTo("start:" + id("app"));
        // the network goes beside the containers and the storage, which goes once the containers are deleted
        List<String> cleanup = host.events.subList(4, host.events.size());
        assertThat(cleanup).containsExactlyInAnyOrder("delete:" + id("app"), "rootfs-removed:" + id("app"), "storage-down", "network-down");
        // the storage goes after the root filesystem over it; the exited container's delete goes beside both
        assertThat(cleanup.indexOf("rootfs-removed:" + id("app"))).isLessThan(cleanup.indexOf("storage-down"));
        assertThat(host.networks).isEmpty();
        assertThat(runner.record().status()).isEqualTo(Status.STOPPED);
    }

    @Test
    void networkAndStorageAreMadeWhileTheImageIsPulled()
            throws Exception
    {
        host.pullGate = new java.util.concurrent.CountDownLatch(1);
        TaskRunner runner = runner(assignment(container("app", true, null)));
        Future<?> lifecycle = start(runner);
        // the pull has not returned, yet both are made
        await().atMost(Duration.ofSeconds(5)).until(() -> host.events.contains("network-up") && host.events.contains("storage-up:20"));
        assertThat(runner.record().status()).isEqualTo(Status.PENDING);
        host.pullGate.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);

        host.exit(id("app"), 0, false);
        lifecycle.get(10, TimeUnit.SECONDS);
        assertThat(host.networks).isEmpty();
    }

    @Test
    void aFailedPullReleasesTheNetworkAndStorageMadeBesideIt()
            throws Exception
    {
        host.pullFailure = "manifest unknown";
        TaskRunner runner = runner(assignment(container("app", true, null)));
        start(runner).get(10, TimeUnit.SECONDS);

        assertThat(runner.record().status()).isEqualTo(Status.STOPPED);
        assertThat(runner.record().stoppedReason()).startsWith("CannotPullContainerError");
        assertThat(host.events).contains("network-down", "storage-down");
        assertThat(host.networks).isEmpty();
    }

    @Test
    void networkThatCannotBeSetUpStopsTheTask()
            throws Exception
    {
        host.networkFailure = "CNI bridge ADD failed: no IP addresses available in range set";
        TaskRunner runner = runner(assignment(container("app", true, null)));
        start(runner).get(10, TimeUnit.SECONDS);

        assertThat(runner.record().status()).isEqualTo(Status.STOPPED);
        assertThat(runner.record().stopCode()).isEqualTo(TaskRunner.TASK_FAILED_TO_START);
        assertThat(runner.record().stoppedReason()).isEqualTo("ResourceInitializationError: cannot set up the task's network: CNI bridge ADD failed: no IP addresses available in range set");
        assertThat(host.launches).isEmpty();
    }

    @Test
    void theTaskGetsStorageOfItsSizeBeforeItsContainersStartAndReleasesItAfterTheirRootFilesystems()
            throws Exception
    {
        TaskAssignment sized = new TaskAssignment(TASK_ID, "arn:aws:ecs:us-east-1:000000000000:task/default/" + TASK_ID, DesiredStatus.RUNNING, 256, 512,
                List.of(container("app", true, null)), null, null, null, Map.of(), null, 21, null, null);
        TaskRunner runner = runner(sized);
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);
        assertThat(host.storage.sizes).containsEntry(TASK_ID, 21);

        host.exit(id("app"), 0, false);
        lifecycle.get(10, TimeUnit.SECONDS);

        assertThat(host.events).containsSubsequence("storage-up:21", "start:" + id("app"), "rootfs-removed:" + id("app"), "storage-down");
        assertThat(host.events).contains("delete:" + id("app"));
        assertThat(host.storage.sizes).isEmpty();
    }

    @Test
    void storageThatCannotBeMadeStopsTheTaskWithWhatFailedAndLeavesNothing()
            throws Exception
    {
        host.storage.failure = "cannot make the filesystem: mkfs.ext4 exited with 1: No space left on device";
        TaskRunner runner = runner(assignment(container("app", true, null)));
        start(runner).get(10, TimeUnit.SECONDS);

        assertThat(runner.record().status()).isEqualTo(Status.STOPPED);
        assertThat(runner.record().stopCode()).isEqualTo(TaskRunner.TASK_FAILED_TO_START);
        assertThat(runner.record().stoppedReason()).isEqualTo("ResourceInitializationError: cannot create the task's ephemeral storage of 20 GiB: "
                + "cannot make the filesystem: mkfs.ext4 exited with 1: No space left on device");
        assertThat(host.launches).isEmpty();
        assertThat(host.networks).isEmpty();
        assertThat(host.storage.sizes).isEmpty();
        assertThat(host.snapshots).isEmpty();
    }

    @Test
    void containersGetTheirVolumesOwnedByTheTasksRootAndAVolumeThatCannotBeMadeStopsTheTask()
            throws Exception
    {
        ContainerSpec writer = new ContainerSpec("writer", "registry/app:1", null, List.of("serve"), Map.of(), null, null, true, null, null, 30, List.of(),
                ContainerLinuxOptions.DEFAULT, List.of(new io.berth.common.agentprotocol.VolumeMount("data", "/data", false)));
        TaskRunner runner = runner(assignment(writer));
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);

        Path volume = host.storage.volumeRoots.get(TASK_ID).resolve("data");
        assertThat(host.launches.getFirst().volumes()).containsExactly(new io.berth.agent.runtime.VolumeBind(volume, "/data", false));
        assertThat(java.nio.file.Files.getAttribute(volume, "unix:uid")).isEqualTo(0);
        host.exit(id("writer"), 0, false);
        lifecycle.get(10, TimeUnit.SECONDS);

        host.storage.volumeFailure = "the task's storage is gone";
        TaskRunner failing = runner(assignment(writer));
        start(failing).get(10, TimeUnit.SECONDS);
        assertThat(failing.record().status()).isEqualTo(Status.STOPPED);
        assertThat(failing.record().stoppedReason()).isEqualTo("CannotStartContainerError: the task's storage is gone");
        assertThat(host.storage.sizes).isEmpty();
    }

    @Test
    void storageWaitsForARootFilesystemThatCouldNotBeRemoved()
            throws Exception
    {
        host.snapshotRemovalFailures.set(1);
        TaskRunner runner = runUntilItsContainerExited();

        // the failed removal's pass kept the storage; the retry removed the root filesystem, then the storage
        assertThat(host.events).containsSubsequence("rootfs-removal-failed:" + id("app"), "rootfs-removed:" + id("app"), "storage-down");
        assertThat(host.events.indexOf("storage-down")).isGreaterThan(host.events.indexOf("rootfs-removed:" + id("app")));
        assertThat(host.storage.sizes).isEmpty();
        assertThat(runner.record().status()).isEqualTo(Status.STOPPED);
    }

    /** A one-container task that runs, whose container exits with 0, and whose cleanup retries at once; returns when it ended. */
    private TaskRunner runUntilItsContainerExited()
            throws Exception
    {
        TaskRunner runner = new TaskRunner(TaskRecord.fresh(assignment(container("app", true, null))), host.services(directory), () -> {},
                new RetryBackoff(Duration.ofMillis(10), Duration.ofMillis(20)));
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);
        host.exit(id("app"), 0, false);
        lifecycle.get(10, TimeUnit.SECONDS);
        return runner;
    }

    @Test
    void anExitedContainersFailedDeleteIsRetriedWithoutHoldingItsStorage()
            throws Exception
    {
        host.deleteFailures.set(1);
        TaskRunner runner = runUntilItsContainerExited();

        // its exit is recorded, so nothing of it uses the storage: the runtime's delete goes beside the storage's removal
        assertThat(host.events).contains("delete-failed:" + id("app"), "delete:" + id("app"), "storage-down");
        assertThat(host.events.indexOf("delete:" + id("app"))).isGreaterThan(host.events.indexOf("delete-failed:" + id("app")));
        assertThat(host.storage.sizes).isEmpty();
        assertThat(host.containers).isEmpty();
        // the task is STOPPED only once the delete succeeded
        assertThat(runner.record().status()).isEqualTo(Status.STOPPED);
    }

    @Test
    void dependentOnSuccessStartsOnlyAfterItsDependencyExitedWithZero()
            throws Exception
    {
        host.fatalSignals = Set.of(15, 9);
        TaskRunner runner = runner(assignment(container("init", false, null), dependent("app", true, "init", Condition.SUCCESS)));
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> host.launches.size() == 1);
        assertThat(host.launches.get(0).containerId()).isEqualTo(id("init"));
        assertThat(runner.record().status()).isEqualTo(Status.PENDING);

        host.exit(id("init"), 0, false);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);
        assertThat(host.launches).extracting(launch -> launch.containerId()).containsExactly(id("init"), id("app"));

        runner.requestStop();
        lifecycle.get(10, TimeUnit.SECONDS);
        assertThat(runner.record().stopCode()).isNull();
    }

    @Test
    void dependentOnSuccessNeverStartsWhenItsDependencyFails()
            throws Exception
    {
        TaskRunner runner = runner(assignment(container("init", false, null), dependent("app", true, "init", Condition.SUCCESS)));
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> host.launches.size() == 1);

        host.exit(id("init"), 1, false);
        lifecycle.get(10, TimeUnit.SECONDS);

        TaskRecord record = runner.record();
        assertThat(host.launches).extracting(launch -> launch.containerId()).containsExactly(id("init"));
        assertThat(record.status()).isEqualTo(Status.STOPPED);
        assertThat(record.stopCode()).isEqualTo(TaskRunner.TASK_FAILED_TO_START);
        assertThat(record.stoppedReason()).isEqualTo("Container 'init' exited with 1, so dependent container 'app' cannot start");
        assertThat(record.containers()).extracting(ContainerRecord::name, ContainerRecord::exitCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("init", 1), org.assertj.core.groups.Tuple.tuple("app", null));
        assertThat(host.networks).isEmpty();
    }

    @Test
    void dependentOnCompleteStartsWhateverTheExitCode()
            throws Exception
    {
        host.fatalSignals = Set.of(15, 9);
        TaskRunner runner = runner(assignment(container("init", false, null), dependent("app", true, "init", Condition.COMPLETE)));
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> host.launches.size() == 1);

        host.exit(id("init"), 3, false);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);

        assertThat(host.launches).extracting(launch -> launch.containerId()).containsExactly(id("init"), id("app"));
        runner.requestStop();
        lifecycle.get(10, TimeUnit.SECONDS);
    }

    @Test
    void dependentOnStartStartsAfterItsDependencyAndStopsBeforeIt()
            throws Exception
    {
        host.fatalSignals = Set.of(15, 9);
        // listed first, started second: the order comes from dependsOn, not from the list
        TaskRunner runner = runner(assignment(dependent("app", true, "db", Condition.START), container("db", true, null)));
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);
        assertThat(host.launches).extracting(launch -> launch.containerId()).containsExactly(id("db"), id("app"));

        runner.requestStop();
        lifecycle.get(10, TimeUnit.SECONDS);

        assertThat(host.signals).containsExactly(id("app") + ":15", id("db") + ":15");
    }

    @Test
    void eachContainerIsKilledAfterItsOwnStopTimeout()
            throws Exception
    {
        TaskRunner runner = runner(assignment(container("quick", true, 1), container("patient", true, 3600)));
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);

        runner.requestStop();
        await().atMost(Duration.ofSeconds(10)).until(() -> host.signals.contains(id("quick") + ":9"));

        assertThat(host.signals).containsExactlyInAnyOrder(id("quick") + ":15", id("patient") + ":15", id("quick") + ":9");
        host.exit(id("patient"), 0, false);
        lifecycle.get(10, TimeUnit.SECONDS);
        assertThat(runner.record().status()).isEqualTo(Status.STOPPED);
    }

    @Test
    void hostEnvironmentReachesEachContainerAndTheTaskDefinitionWins()
            throws Exception
    {
        HostServices services = host.services(directory).withContainerEnvironment((task, name) -> Map.of(
                "ECS_CONTAINER_METADATA_URI_V4", "http://gateway/v4/" + task.taskId() + "-" + name,
                "MODE", "from-host"));
        TaskRunner runner = new TaskRunner(TaskRecord.fresh(assignment(container("app", true, null), container("sidecar", false, 1))), services, () -> {});
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);

        assertThat(host.launches).hasSize(2);
        for (var launch : host.launches) {
            String name = launch.containerId().substring(TASK_ID.length() + 1);
            assertThat(launch.env()).contains("ECS_CONTAINER_METADATA_URI_V4=http://gateway/v4/" + TASK_ID + "-" + name, "MODE=test");
        }
        runner.requestStop();
        host.exit(id("app"), 0, false);
        host.exit(id("sidecar"), 0, false);
        lifecycle.get(10, TimeUnit.SECONDS);
    }

    @Test
    void theTasksContainersRunInItsOwnIdRangeWhichIsReleasedOnceTheTaskIsCleanedUp()
            throws Exception
    {
        host.fatalSignals = Set.of(9, 15);
        IdRanges ranges = new IdRanges(new IdRangePool(1L << 30, 65536, 4));
        ranges.markTaken("other-task", new IdMapping(1L << 30, 65536));
        TaskRunner runner = new TaskRunner(TaskRecord.fresh(assignment(container("app", true, null), container("sidecar", false, null))),
                host.services(directory).withIdRanges(ranges), () -> {});
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.record().status() == Status.RUNNING);

        IdMapping expected = new IdMapping((1L << 30) + 65536, 65536);
        assertThat(runner.record().idMapping()).isEqualTo(expected);
        assertThat(new TaskRecordStore(directory.resolve("tasks")).loadAll()).singleElement()
                .satisfies(saved -> assertThat(saved.idMapping()).isEqualTo(expected));
        assertThat(host.launches).extracting(launch -> launch.idMapping()).containsExactly(expected, expected);
        assertThat(host.snapshotMappings).containsOnly(Map.entry(id("app"), expected), Map.entry(id("sidecar"), expected));
        // each mounted once, ahead of its start beside the network
        assertThat(host.events).filteredOn(event -> event.startsWith("rootfs-prepared:")).containsExactlyInAnyOrder("rootfs-prepared:" + id("app"), "rootfs-prepared:" + id("sidecar"));
        assertThat(ranges.heldBy(TASK_ID)).contains(expected);
        // the user namespace of the range the next task gets is made while this one runs
        await().atMost(Duration.ofSeconds(10)).until(() -> !host.preparedAhead.isEmpty());
        assertThat(host.preparedAhead).containsExactly(new IdMapping((1L << 30) + 2 * 65536, 65536));

        runner.requestStop();
        lifecycle.get(10, TimeUnit.SECONDS);
        assertThat(runner.record().status()).isEqualTo(Status.STOPPED);
        assertThat(ranges.heldBy(TASK_ID)).isEmpty();
        assertThat(ranges.held()).containsOnlyKeys("other-task");
    }

    @Test
    void aTaskWhoseCleanupFailsKeepsItsRangeUntilTheCleanupSucceeds()
            throws Exception
    {
        host.fatalSignals = Set.of(9, 15);
        IdRanges ranges = new IdRanges(new IdRangePool(1L << 30, 65536, 4));
        host.deleteFailures.set(1);
        TaskRunner runner = new TaskRunner(TaskRecord.fresh(assignment(container("app", true, null))), host.services(directory).withIdRanges(ranges), () -> {},
                new RetryBackoff(Duration.ofMillis(300), Duration.ofMillis(300)));
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.record().status() == Status.RUNNING);

        runner.requestStop();
        await().atMost(Duration.ofSeconds(10)).until(() -> host.events.contains("delete-failed:" + id("app")));
        assertThat(ranges.heldBy(TASK_ID)).isPresent();
        assertThat(runner.record().holdsIdMapping()).isTrue();
        lifecycle.get(10, TimeUnit.SECONDS);
        assertThat(ranges.heldBy(TASK_ID)).isEmpty();
        assertThat(runner.record().holdsIdMapping()).isFalse();
    }

    @Test
    void aTaskFindingNoFreeIdRangeStopsWithTheReasonAndStartsNothing()
            throws Exception
    {
        IdRanges ranges = new IdRanges(new IdRangePool(1L << 30, 65536, 1));
        ranges.allocate("other-task");
        TaskRunner runner = new TaskRunner(TaskRecord.fresh(assignment(container("app", true, null))), host.services(directory).withIdRanges(ranges), () -> {});
        start(runner).get(10, TimeUnit.SECONDS);

        TaskRecord record = runner.record();
        assertThat(record.status()).isEqualTo(Status.STOPPED);
        assertThat(record.stopCode()).isEqualTo(TaskRunner.TASK_FAILED_TO_START);
        assertThat(record.stoppedReason()).startsWith("ResourceInitializationError: no free user namespace range").contains("--userns-ranges");
        assertThat(record.idMapping()).isNull();
        assertThat(host.launches).isEmpty();
        assertThat(host.networks).isEmpty();
    }

    @Test
    void anEssentialContainerThatTurnsUnhealthyStopsTheTaskAsStopTaskDoes()
            throws Exception
    {
        host.fatalSignals = Set.of(15, 9);
        host.execExitCodes.put(id("app"), 1);
        TaskRunner runner = runner(assignment(checked("app", true, 2), container("sidecar", false, null)));
        Future<?> lifecycle = start(runner);

        lifecycle.get(20, TimeUnit.SECONDS);

        TaskRecord record = runner.record();
        assertThat(record.status()).isEqualTo(Status.STOPPED);
        assertThat(record.stopCode()).isEqualTo(TaskRunner.SERVICE_SCHEDULER_INITIATED);
        assertThat(record.stoppedReason()).isEqualTo("Task failed container health checks");
        assertThat(record.containers()).extracting(ContainerRecord::name, ContainerRecord::health)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("app", HealthStatus.UNHEALTHY), org.assertj.core.groups.Tuple.tuple("sidecar", HealthStatus.UNKNOWN));
        assertThat(host.signals).contains(id("app") + ":15", id("sidecar") + ":15");
        assertThat(host.execs).containsOnly(id("app")).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aNonEssentialContainerThatTurnsUnhealthyLeavesTheTaskRunning()
            throws Exception
    {
        host.fatalSignals = Set.of(15, 9);
        host.execExitCodes.put(id("sidecar"), 1);
        TaskRunner runner = runner(assignment(container("app", true, null), checked("sidecar", false, 1)));
        Future<?> lifecycle = start(runner);

        await().atMost(Duration.ofSeconds(10)).until(() -> runner.record().containers().get(1).health() == HealthStatus.UNHEALTHY);
        assertThat(runner.record().status()).isEqualTo(Status.RUNNING);

        runner.requestStop();
        lifecycle.get(10, TimeUnit.SECONDS);
        assertThat(runner.record().stopCode()).isNull();
    }

    @Test
    void dependentOnHealthyStartsOnlyOnceItsDependencyPassesACheck()
            throws Exception
    {
        host.fatalSignals = Set.of(15, 9);
        host.execExitCodes.put(id("db"), 1);
        TaskRunner runner = runner(assignment(checked("db", true, 10), checked("app", true, 10, new ContainerDependency("db", Condition.HEALTHY))));
        Future<?> lifecycle = start(runner);
        await().atMost(Duration.ofSeconds(5)).until(() -> host.execs.size() >= 2);
        assertThat(host.launches).extracting(launch -> launch.containerId()).containsExactly(id("db"));
        assertThat(runner.record().status()).isEqualTo(Status.PENDING);

        host.execExitCodes.put(id("db"), 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.record().status() == Status.RUNNING);
        assertThat(host.launches).extracting(launch -> launch.containerId()).containsExactly(id("db"), id("app"));
        assertThat(runner.record().containers().getFirst().health()).isEqualTo(HealthStatus.HEALTHY);

        runner.requestStop();
        lifecycle.get(10, TimeUnit.SECONDS);
        assertThat(runner.record().stopCode()).isNull();
    }

    @Test
    void dependentOnHealthyNeverStartsWhenItsDependencyTurnsUnhealthy()
            throws Exception
    {
        host.fatalSignals = Set.of(15, 9);
        host.execExitCodes.put(id("db"), 1);
        TaskRunner runner = runner(assignment(checked("db", false, 1), dependent("app", true, "db", Condition.HEALTHY)));
        Future<?> lifecycle = start(runner);

        lifecycle.get(20, TimeUnit.SECONDS);

        TaskRecord record = runner.record();
        assertThat(host.launches).extracting(launch -> launch.containerId()).containsExactly(id("db"));
        assertThat(record.stopCode()).isEqualTo(TaskRunner.TASK_FAILED_TO_START);
        assertThat(record.stoppedReason()).isEqualTo("Container 'db' is UNHEALTHY, so dependent container 'app' cannot start");
    }
}
