package io.berth.agent.tasks;

import io.berth.agent.rootfs.LoopDeviceTaskStorage;
import io.berth.agent.rootfs.MountTable;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskAssignment.DesiredStatus;
import io.berth.common.agentprotocol.TaskReport.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fault injection on the real task storage (mkfs.ext4, losetup, mount; needs root): a mount that fails stops the
 * task with a reason that says which step failed and why, and an umount that fails once is retried; either way no
 * image, loop device or mount is left behind.
 */
class TaskStorageFaultTest
{
    private static final String TASK_ID = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path directory;

    @Test
    void aFailingMountStopsTheTaskWithWhatFailedAndLeavesNothing()
            throws Exception
    {
        Path mount = Files.createDirectories(directory.resolve("bin")).resolve("mount");
        Files.writeString(mount, "#!/bin/sh\necho \"mount: $4: mount(2) system call failed: Structure needs cleaning.\" >&2\nexit 32\n");
        Files.setPosixFilePermissions(mount, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path storageRoot = directory.resolve("storage");
        LoopDeviceTaskStorage storage = new LoopDeviceTaskStorage(storageRoot, new MountTable(),
                new LoopDeviceTaskStorage.Commands("mkfs.ext4", "losetup", mount.toString(), "umount", Duration.ofSeconds(30)));
        FakeHost host = new FakeHost();
        TaskAssignment assignment = new TaskAssignment(TASK_ID, "arn:aws:ecs:us-east-1:000000000000:task/default/" + TASK_ID, DesiredStatus.RUNNING, 256, 512,
                List.of(new ContainerSpec("app", "registry/app:1", null, List.of("serve"), Map.of(), null, null, true, null, null, 30)),
                null, null, null, Map.of(), null, 21, null, null);
        TaskRunner runner = new TaskRunner(TaskRecord.fresh(assignment), host.services(directory, storage), () -> {});

        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            executor.submit(runner).get(60, TimeUnit.SECONDS);
        }

        assertThat(runner.record().status()).isEqualTo(Status.STOPPED);
        assertThat(runner.record().stopCode()).isEqualTo(TaskRunner.TASK_FAILED_TO_START);
        assertThat(runner.record().stoppedReason())
                .startsWith("ResourceInitializationError: cannot create the task's ephemeral storage of 21 GiB: cannot mount the filesystem: " + mount + " exited with 32: ")
                .contains("Structure needs cleaning");
        assertThat(host.launches).isEmpty();
        assertThat(host.networks).isEmpty();
        assertThat(storageRoot.resolve(TASK_ID)).doesNotExist();
        assertThat(storage.loopDevices(TASK_ID)).isEmpty();
        assertThat(new MountTable().mountPointsUnder(directory)).isEmpty();
    }

    @Test
    void aUmountThatFailsOnceIsRetriedAndTheTaskStopsWithNothingLeft()
            throws Exception
    {
        // fails the first time (a transient I/O error), works the next: the storage unmounts again (lazily) and the task still ends clean
        Path failedOnce = directory.resolve("umount-failed-once");
        Path umount = Files.createDirectories(directory.resolve("bin")).resolve("umount");
        Files.writeString(umount, """
                #!/bin/sh
                if [ ! -e %s ]; then touch %s; echo "umount: $1: Input/output error" >&2; exit 32; fi
                exec umount "$@"
                """.formatted(failedOnce, failedOnce));
        Files.setPosixFilePermissions(umount, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path storageRoot = directory.resolve("storage");
        LoopDeviceTaskStorage storage = new LoopDeviceTaskStorage(storageRoot, new MountTable(),
                new LoopDeviceTaskStorage.Commands("mkfs.ext4", "losetup", "mount", umount.toString(), Duration.ofSeconds(30)));
        FakeHost host = new FakeHost();
        TaskAssignment assignment = new TaskAssignment(TASK_ID, "arn:aws:ecs:us-east-1:000000000000:task/default/" + TASK_ID, DesiredStatus.RUNNING, 256, 512,
                List.of(new ContainerSpec("app", "registry/app:1", null, List.of("serve"), Map.of(), null, null, true, null, null, 1)),
                null, null, null, Map.of(), null, 21, null, null);
        TaskRunner runner = new TaskRunner(TaskRecord.fresh(assignment), host.services(directory, storage), () -> {},
                new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)));

        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var lifecycle = executor.submit(runner);
            await().atMost(Duration.ofSeconds(60)).until(() -> runner.record().status() == Status.RUNNING);
            runner.requestStop();
            lifecycle.get(60, TimeUnit.SECONDS);
        }

        assertThat(failedOnce).exists();
        assertThat(runner.record().status()).isEqualTo(Status.STOPPED);
        assertThat(storageRoot.resolve(TASK_ID)).doesNotExist();
        assertThat(storage.loopDevices(TASK_ID)).isEmpty();
        assertThat(new MountTable().mountPointsUnder(directory)).isEmpty();
    }
}
