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

/**
 * Fault injection on the real task storage (mkfs.ext4, losetup, mount; needs root): a mount that fails stops the
 * task with a reason that says which step failed and why, and leaves no image, loop device or mount behind.
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
                null, null, null, Map.of(), null, 21);
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
}
