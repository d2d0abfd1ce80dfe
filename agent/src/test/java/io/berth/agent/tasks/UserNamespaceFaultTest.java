package io.berth.agent.tasks;

import io.berth.agent.rootfs.MountTable;
import io.berth.agent.rootfs.OverlaySnapshotter;
import io.berth.agent.userns.IdRangePool;
import io.berth.agent.userns.IdRanges;
import io.berth.agent.userns.UserNamespaces;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskAssignment.DesiredStatus;
import io.berth.common.agentprotocol.TaskReport.Status;
import io.berth.testing.BusyboxRootfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault injection for the user namespace step of a task's start, with the real snapshotter (overlayfs, idmapped
 * mounts) and a helper that fails or hangs: the task stops with a reason that names the step, and nothing of it
 * is left (no mount, no snapshot directory, no held range). Needs root.
 */
class UserNamespaceFaultTest
{
    private static final String TASK_ID = "fa017fa017fa017fa017fa017fa017fa";

    @TempDir
    Path directory;

    private final FakeHost host = new FakeHost();

    @Test
    void aFailingUserNamespaceHelperStopsTheTaskWithTheReasonAndLeavesNothing()
            throws Exception
    {
        TaskRecord record = runWithHelper(List.of("/bin/false"), Duration.ofSeconds(5));

        assertThat(record.stoppedReason()).startsWith("CannotStartContainerError: the user namespace helper (/bin/false) exited with 1");
        assertNothingLeft();
    }

    @Test
    void aHangingUserNamespaceHelperIsKilledAtItsDeadline()
            throws Exception
    {
        TaskRecord record = runWithHelper(List.of("/bin/sleep", "600"), Duration.ofMillis(500));

        assertThat(record.stoppedReason()).startsWith("CannotStartContainerError: the user namespace helper (/bin/sleep 600) made no user namespace within 500 ms");
        assertNothingLeft();
        // the helper was killed, not left waiting
        assertThat(ProcessHandle.current().children().filter(child -> child.info().command().orElse("").endsWith("sleep")).count()).isZero();
    }

    private TaskRecord runWithHelper(List<String> helper, Duration deadline)
            throws Exception
    {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
        host.layers = List.of(BusyboxRootfs.create(directory.resolve("layer")));
        OverlaySnapshotter snapshotter = new OverlaySnapshotter(directory.resolve("snapshots"), new MountTable(), new UserNamespaces(helper, deadline));
        IdRanges ranges = new IdRanges(IdRangePool.DEFAULT);
        TaskAssignment assignment = new TaskAssignment(TASK_ID, "arn:aws:ecs:us-east-1:000000000000:task/default/" + TASK_ID, DesiredStatus.RUNNING, 256, 512,
                List.of(new ContainerSpec("app", "registry/app:1", null, List.of("serve"), Map.of(), null, null, true, null, null, 2)));
        TaskRunner runner = new TaskRunner(TaskRecord.fresh(assignment), host.services(directory, snapshotter).withIdRanges(ranges), () -> {});
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            executor.submit(runner).get(30, TimeUnit.SECONDS);
        }
        TaskRecord record = runner.record();
        assertThat(record.status()).isEqualTo(Status.STOPPED);
        assertThat(record.stopCode()).isEqualTo(TaskRunner.TASK_FAILED_TO_START);
        assertThat(host.launches).isEmpty();
        assertThat(ranges.held()).isEmpty();
        return record;
    }

    private void assertNothingLeft()
            throws Exception
    {
        assertThat(new MountTable().mountPointsUnder(directory)).isEmpty();
        assertThat(directory.resolve("snapshots").resolve(TASK_ID + "-app")).doesNotExist();
        assertThat(host.networks).isEmpty();
    }
}
