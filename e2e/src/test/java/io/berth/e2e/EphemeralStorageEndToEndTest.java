package io.berth.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.EphemeralStorage;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A task's ephemeral storage on real runc containers: every container's writable layer lives on the task's own
 * filesystem of the task's size, so {@code df /} inside shows that size and a write past it fails with ENOSPC while
 * other tasks and the host go on writing; it is released when the task stops, and kept across an agent restart.
 */
class EphemeralStorageEndToEndTest
{
    private static final String CLUSTER = "ephemeral";
    private static final long GIB_IN_KIB = 1024L * 1024;

    @RegisterExtension
    static final BerthCluster berth = new BerthCluster(CLUSTER);

    @Test
    void dfInsideShowsTheTasksSizeAndTwentyGibWithoutTheField()
    {
        Task sized = runToEnd(register("df-21", "df -k / | tail -1", 21));
        Task plain = runToEnd(register("df-default", "df -k / | tail -1", null));

        assertThat(sized.ephemeralStorage().sizeInGiB()).isEqualTo(21);
        assertThat(plain.ephemeralStorage().sizeInGiB()).isEqualTo(20);
        assertThat(dfTotalKib(sized)).isBetween(21 * GIB_IN_KIB - 1024, 21 * GIB_IN_KIB + 1024);
        assertThat(dfTotalKib(plain)).isBetween(20 * GIB_IN_KIB - 1024, 20 * GIB_IN_KIB + 1024);
        assertNothingLeftOf(sized);
        assertNothingLeftOf(plain);
    }

    @Test
    void theRunTaskOverrideIsHonoured()
    {
        String definition = register("df-override", "df -k / | tail -1", 21);

        Task task = berth.awaitStatus(berth.ecs().runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE)
                .overrides(overrides -> overrides.ephemeralStorage(EphemeralStorage.builder().sizeInGiB(30).build()))).tasks().get(0).taskArn(), "STOPPED");

        assertThat(task.ephemeralStorage().sizeInGiB()).isEqualTo(30);
        assertThat(task.overrides().ephemeralStorage().sizeInGiB()).isEqualTo(30);
        assertThat(dfTotalKib(task)).isBetween(30 * GIB_IN_KIB - 1024, 30 * GIB_IN_KIB + 1024);
    }

    @Test
    void writingPastTheSizeFailsWithNoSpaceWhileAnotherTaskAndTheHostKeepWriting()
            throws IOException
    {
        // fallocate takes 20 of the 21 GiB without writing them; dd then fills the rest for real
        String filler = register("filler", "fallocate -l 20G /taken; dd if=/dev/zero of=/fill bs=1M count=2048; echo dd-exit=$?; sleep 600", 21);
        String fillerArn = berth.runFargate(filler);
        berth.awaitStatus(fillerArn, "RUNNING");
        // the task is still running with its storage full: its log is read on the host, as the agent writes it
        Path fillerLog = berth.environment().dataDirectory().resolve("agent/logs").resolve(taskId(fillerArn)).resolve("main.log");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> Files.exists(fillerLog) && Files.readString(fillerLog).contains("dd-exit="));

        assertThat(Files.readString(fillerLog)).contains("No space left on device", "dd-exit=1");
        Task neighbour = runToEnd(register("neighbour", "dd if=/dev/zero of=/data bs=1M count=64 && sync && echo neighbour-wrote", null));
        assertThat(neighbour.containers().get(0).exitCode()).isZero();
        assertThat(logs(neighbour.taskArn())).contains("neighbour-wrote");
        Path hostFile = berth.environment().dataDirectory().resolve("host-still-writes");
        Files.write(hostFile, new byte[1 << 20]);
        assertThat(Files.size(hostFile)).isEqualTo(1 << 20);
        Files.delete(hostFile);

        berth.ecs().stopTask(request -> request.cluster(CLUSTER).task(fillerArn));
        Task stopped = berth.awaitStatus(fillerArn, "STOPPED");
        assertNothingLeftOf(stopped);
    }

    @Test
    void sizesFargateRefusesAreClientExceptions()
    {
        for (int size : List.of(10, 500)) {
            assertThatThrownBy(() -> register("refused-" + size, "true", size))
                    .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.statusCode()).isEqualTo(400))
                    .hasMessageContainingAll("'ephemeralStorage.sizeInGiB' " + size, "21 to 200");
        }
        String definition = register("override-refused", "true", null);
        for (int size : List.of(10, 500)) {
            assertThatThrownBy(() -> berth.ecs().runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE)
                    .overrides(overrides -> overrides.ephemeralStorage(EphemeralStorage.builder().sizeInGiB(size).build()))))
                    .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.statusCode()).isEqualTo(400))
                    .hasMessageContainingAll("'overrides.ephemeralStorage.sizeInGiB' " + size, "21 to 200");
        }
        assertThat(berth.ecs().listTaskDefinitionFamilies(request -> request.familyPrefix("refused-")).families()).isEmpty();
        assertThat(berth.ecs().listTasks(request -> request.cluster(CLUSTER).family("override-refused")).taskArns()).isEmpty();
    }

    @Test
    void anAgentRestartKeepsARunningTasksStorageAndItsWrites()
            throws Exception
    {
        String taskArn = berth.runFargate(register("restart-keeps", "echo kept > /written; sleep 600", 21));
        berth.awaitStatus(taskArn, "RUNNING");
        Path filesystem = storageDirectory(taskArn).resolve("fs");
        Path written = filesystem.resolve(taskId(taskArn) + "-main").resolve("upper").resolve("written");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(written));
        List<String> devices = loopDevicesOf(storageDirectory(taskArn));
        assertThat(devices).hasSize(1);

        berth.environment().berth().stopAgent();
        berth.environment().berth().startAgent();
        // startAgent returns once the new agent has resumed its tasks and removed orphans; a sync round more
        Thread.sleep(2_000);

        assertThat(new HostLeftovers(berth.environment().dataDirectory()).mounts()).contains(filesystem.toString());
        assertThat(Files.readString(written)).isEqualTo("kept\n");
        assertThat(loopDevicesOf(storageDirectory(taskArn))).isEqualTo(devices);
        assertThat(berth.awaitStatus(taskArn, "RUNNING").lastStatus()).isEqualTo("RUNNING");

        berth.ecs().stopTask(request -> request.cluster(CLUSTER).task(taskArn));
        assertNothingLeftOf(berth.awaitStatus(taskArn, "STOPPED"));
    }

    /** After STOPPED: no image file, mount or loop device of the task's storage. */
    private static void assertNothingLeftOf(Task task)
    {
        Path storage = storageDirectory(task.taskArn());
        assertThat(storage).doesNotExist();
        assertThat(new HostLeftovers(berth.environment().dataDirectory()).mounts()).noneMatch(mountPoint -> Path.of(mountPoint).startsWith(storage));
        assertThat(loopDevicesOf(storage)).isEmpty();
    }

    /** Loop devices whose backing file is below directory (deleted or not), from /sys/block/loop*. */
    private static List<String> loopDevicesOf(Path directory)
    {
        try (Stream<Path> devices = Files.list(Path.of("/sys/block"))) {
            return devices.filter(device -> device.getFileName().toString().startsWith("loop"))
                    .filter(device -> {
                        try {
                            return Files.readString(device.resolve("loop/backing_file")).strip().startsWith(directory + "/");
                        }
                        catch (IOException e) {
                            return false;
                        }
                    })
                    .map(device -> "/dev/" + device.getFileName())
                    .sorted()
                    .toList();
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path storageDirectory(String taskArn)
    {
        return berth.environment().dataDirectory().resolve("agent/storage").resolve(taskId(taskArn));
    }

    private static String taskId(String taskArn)
    {
        return taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }

    private long dfTotalKib(Task task)
    {
        // busybox df -k: Filesystem 1K-blocks Used Available Use% Mounted on
        String line = logs(task.taskArn()).getLast();
        return Long.parseLong(line.strip().split("\\s+")[1]);
    }

    /** A Fargate definition of the smallest size whose one container runs the script; sizeInGiB null leaves ephemeralStorage out. */
    private static String register(String family, String shellCommand, Integer sizeInGiB)
    {
        ContainerDefinition container = ContainerDefinition.builder()
                .name("main")
                .image(berth.environment().image())
                .command(List.of("sh", "-c", shellCommand))
                .stopTimeout(2)
                .build();
        return berth.ecs().registerTaskDefinition(request -> {
                    request.family(family).cpu("256").memory("512").networkMode(NetworkMode.AWSVPC).requiresCompatibilities(Compatibility.FARGATE)
                            .containerDefinitions(container);
                    if (sizeInGiB != null) {
                        request.ephemeralStorage(EphemeralStorage.builder().sizeInGiB(sizeInGiB).build());
                    }
                })
                .taskDefinition().taskDefinitionArn();
    }

    private static Task runToEnd(String definition)
    {
        return berth.awaitStatus(berth.runFargate(definition), "STOPPED");
    }

    private static List<String> logs(String taskArn)
    {
        return LogLines.readAll(berth.environment(), CLUSTER, taskArn).stream().map(LogLines.Line::text).toList();
    }
}
