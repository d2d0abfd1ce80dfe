package io.berth.agent.tasks;

import io.berth.agent.network.TaskNetwork;
import io.berth.agent.rootfs.MountTable;
import io.berth.agent.rootfs.OverlaySnapshotter;
import io.berth.agent.runtime.CgroupLayout;
import io.berth.agent.runtime.OciRuntime;
import io.berth.agent.runtime.RuncConmonRuntime;
import io.berth.common.agentprotocol.TaskReport.Status;
import io.berth.testing.BusyboxRootfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fault injection with a runc that hangs (behind a wrapper: one subcommand never returns), with the real conmon,
 * cgroups and overlayfs. A start whose create hangs stops the task with a reason that names its deadline; a stop
 * that outlasts the agent's patience while it leaves its host (`berth up` shutting down, a removed host) is finished by
 * the forced teardown past a runc kill that hangs: the container, its cgroup, its monitor and its root filesystem mount go. Either
 * way the task ends STOPPED and nothing of it is left. Needs root, runc, conmon and busybox-static.
 */
class HungRuntimeFaultTest
{
    private static final String TASK_ID = "5707a11f5707a11f5707a11f5707a11f";
    /** Shorter than the agent's 30 s so that the test does not wait it out; long enough for a real runc under load. */
    private static final Duration RUNTIME_COMMAND_DEADLINE = Duration.ofSeconds(6);
    /** How long the hung runc sleeps: a number no other process of the suite sleeps, so that it can be looked for. */
    private static final int HUNG_RUNC_SECONDS = 613;

    @TempDir
    Path directory;

    private final FakeHost host = new FakeHost();
    private final String cgroupParent = "berth-test-" + UUID.randomUUID().toString().substring(0, 8);
    private RuncConmonRuntime runtime;
    private OverlaySnapshotter snapshotter;
    private TaskReconciler reconciler;

    @AfterEach
    void removeWhatIsLeft()
            throws Exception
    {
        if (reconciler != null) {
            reconciler.shutdown();
        }
        // with the real runc: the wrapper's hang must not keep this test's own cleanup from working
        RuncConmonRuntime cleaner = new RuncConmonRuntime(directory.resolve("runtime"), RuncConmonRuntime.DEFAULT_RUNC, RuncConmonRuntime.DEFAULT_CONMON,
                cgroupParent, CgroupLayout.host(), Clock.systemUTC());
        cleaner.containerIds().forEach(cleaner::delete);
        if (snapshotter != null) {
            for (String key : snapshotter.keys()) {
                snapshotter.remove(key);
            }
        }
        CgroupLayout.host().remove("/" + cgroupParent);
    }

    @Test
    void aTaskWhoseStartHangsStopsWithTheRuntimesDeadlineAsItsReason()
            throws Exception
    {
        // conmon runs the create, and a created container is started without another runc (its start FIFO)
        reconciler = launch(hangingRunc("create"));
        await().atMost(Duration.ofSeconds(90)).until(() -> reconciler.tasks().getFirst().status() == Status.STOPPED);

        TaskRecord recorded = assertNothingLeft();
        assertThat(recorded.stopCode()).isEqualTo(TaskRunner.TASK_FAILED_TO_START);
        assertThat(recorded.stoppedReason()).startsWith("CannotStartContainerError: ")
                .contains("runc did not create the container within " + RUNTIME_COMMAND_DEADLINE.multipliedBy(2).toSeconds() + " s");
    }

    @Test
    void aStopPastTheAgentsPatienceIsRemovedByForcePastAHungRuncAndLeavesNothing()
            throws Exception
    {
        // a stop signals the container's init itself (no runc): this one ignores SIGTERM for a minute, its stop timeout
        reconciler = launch(hangingRunc("kill"), 60);
        await().atMost(Duration.ofSeconds(60)).until(() -> reconciler.tasks().getFirst().status() == Status.RUNNING);

        reconciler.stopAll(Duration.ofSeconds(2));
        assertThat(reconciler.tasks().getFirst().status()).isEqualTo(Status.STOPPING);
        reconciler.shutdown();
        // the forced teardown's runc kill hangs: past its deadline, the forced delete removes the container
        List<String> leftovers = reconciler.tearDownUnstopped(Duration.ofSeconds(90));

        assertThat(leftovers).isEmpty();
        assertThat(assertNothingLeft().containers().getFirst().reason()).isEqualTo(TaskReconciler.FORCED_STOP_REASON);
    }

    /** runc for everything but subcommand, which never returns (as a runtime stuck on a frozen cgroup would). */
    private Path hangingRunc(String subcommand)
            throws Exception
    {
        Path wrapper = Files.createDirectories(directory.resolve("bin")).resolve("runc");
        Files.writeString(wrapper, """
                #!/bin/sh
                for argument in "$@"; do
                    if [ "$argument" = %s ]; then exec sleep %d; fi
                done
                exec %s "$@"
                """.formatted(subcommand, HUNG_RUNC_SECONDS, RuncConmonRuntime.DEFAULT_RUNC));
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        return wrapper;
    }

    /** The reconciler of a host whose runtime runs runc, with the task assigned and launched. */
    private TaskReconciler launch(Path runc)
            throws Exception
    {
        return launch(runc, 1);
    }

    private TaskReconciler launch(Path runc, int stopTimeoutSeconds)
            throws Exception
    {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
        host.layers = List.of(BusyboxRootfs.create(directory.resolve("layer")));
        runtime = new RuncConmonRuntime(directory.resolve("runtime"), OciRuntime.runc(runc).withCommandDeadline(RUNTIME_COMMAND_DEADLINE), RuncConmonRuntime.DEFAULT_CONMON, cgroupParent,
                CgroupLayout.host(), Clock.systemUTC());
        snapshotter = new OverlaySnapshotter(directory.resolve("snapshots"));
        // the task network's own fault tests are CniTaskNetworkIntegrationTest's: here the container gets a namespace of its own
        HostServices services = new HostServices(host, snapshotter, runtime, new TaskRecordStore(directory.resolve("tasks")), directory.resolve("logs"), Clock.systemUTC(),
                TaskNetwork.none(), host.storage);
        return OneSleepingTask.launch(TASK_ID, services, stopTimeoutSeconds);
    }

    /** Nothing of the task on the host: no container, mount, snapshot, cgroup, storage or hung runc; its record STOPPED. */
    private TaskRecord assertNothingLeft()
            throws Exception
    {
        assertThat(runtime.containerIds()).isEmpty();
        assertThat(new MountTable().mountPointsUnder(directory)).isEmpty();
        assertThat(snapshotter.keys()).isEmpty();
        runtime.removeCgroupParent();
        assertThat(CgroupLayout.host().existingDirectories("/" + cgroupParent)).isEmpty();
        assertThat(host.storage.sizes).isEmpty();
        // a hung runc was killed when its deadline passed or its caller gave up on it (a hung create with its conmon), not left waiting
        assertThat(ProcessHandle.allProcesses().filter(process -> process.info().commandLine().orElse("").contains("sleep " + HUNG_RUNC_SECONDS)).count()).isZero();
        TaskRecord recorded = new TaskRecordStore(directory.resolve("tasks")).loadAll().getFirst();
        assertThat(recorded.status()).isEqualTo(Status.STOPPED);
        return recorded;
    }
}
