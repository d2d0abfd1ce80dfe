package io.berth.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerCondition;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.DockerVolumeConfiguration;
import software.amazon.awssdk.services.ecs.model.EFSVolumeConfiguration;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.FSxWindowsFileServerVolumeConfiguration;
import software.amazon.awssdk.services.ecs.model.HostVolumeProperties;
import software.amazon.awssdk.services.ecs.model.MountPoint;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.Volume;
import software.amazon.awssdk.services.ecs.model.VolumeFrom;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Task volumes on real containers, driven with the AWS SDK: a volume named in the task definition is a directory
 * of the task's own in its ephemeral storage, shared by the containers that mount it (mountPoints, readOnly
 * honoured, volumesFrom), under runc in the task's user namespace and under gVisor alike, and gone with the task.
 * What Fargate has no volume for (host paths, Docker volumes, EFS, FSx, EBS at launch) and broken mounts are refused
 * at registration with a ClientException that names them.
 */
class TaskVolumesEndToEndTest
{
    private static final String CLUSTER = "volumes";
    private static final long GIB_IN_KIB = 1024L * 1024;

    @RegisterExtension
    static final BerthCluster berth = new BerthCluster(CLUSTER);

    @ParameterizedTest
    @ValueSource(strings = {"container", "sandbox"})
    void containersShareAVolumeReadOnlyWhereAskedAndItIsGoneWithTheTask(String isolation)
    {
        MountPoint data = MountPoint.builder().sourceVolume("data").containerPath("/data").build();
        ContainerDefinition writer = container("writer", false,
                "echo note-from-writer > /data/note; dd if=/dev/zero of=/data/blob bs=1M count=64 2>/dev/null; sync; df -k /data | tail -1; echo writer-done")
                .mountPoints(data).build();
        ContainerDefinition reader = container("reader", false,
                "echo reader-read=$(cat /shared/note); if echo x > /shared/refused; then echo reader-wrote; else echo reader-refused; fi")
                .mountPoints(MountPoint.builder().sourceVolume("data").containerPath("/shared").readOnly(true).build())
                .dependsOn(after("writer")).build();
        ContainerDefinition borrower = container("borrower", false,
                "echo borrower-read=$(cat /data/note); echo borrowed > /data/borrowed && echo borrower-wrote")
                .volumesFrom(VolumeFrom.builder().sourceContainer("writer").build())
                .dependsOn(after("writer")).build();
        ContainerDefinition viewer = container("viewer", false,
                "echo viewer-read=$(cat /data/note); if echo x > /data/viewer; then echo viewer-wrote; else echo viewer-refused; fi")
                .volumesFrom(VolumeFrom.builder().sourceContainer("writer").readOnly(true).build())
                .dependsOn(after("writer")).build();
        ContainerDefinition last = container("last", true, "echo last-read=$(cat /data/borrowed); echo files: $(ls /data)")
                .mountPoints(data)
                .dependsOn(after("reader"), after("borrower"), after("viewer")).build();
        String definition = berth.ecs().registerTaskDefinition(request -> request.family("shared-" + isolation).cpu("256").memory("512")
                        .networkMode(NetworkMode.AWSVPC).requiresCompatibilities(Compatibility.FARGATE)
                        .volumes(Volume.builder().name("data").build())
                        .containerDefinitions(writer, reader, borrower, viewer, last)
                        .tags(Tag.builder().key("berth:isolation").value(isolation).build()))
                .taskDefinition().taskDefinitionArn();

        Task task = berth.awaitStatus(berth.runFargate(definition), "STOPPED");

        assertThat(task.stopCode().toString()).isEqualTo("EssentialContainerExited");
        assertThat(task.containers()).allSatisfy(container -> assertThat(container.exitCode()).as(container.name()).isZero());
        List<LogLines.Line> lines = LogLines.readAll(berth.environment(), CLUSTER, task.taskArn());
        assertThat(textOf(lines, "writer")).contains("writer-done");
        // the shell's complaint goes to stderr, which the log interleaves with stdout in either order
        assertThat(textOf(lines, "reader")).containsExactlyInAnyOrder("reader-read=note-from-writer", "reader-refused",
                "sh: can't create /shared/refused: Read-only file system");
        assertThat(textOf(lines, "borrower")).containsExactly("borrower-read=note-from-writer", "borrower-wrote");
        assertThat(textOf(lines, "viewer")).containsExactlyInAnyOrder("viewer-read=note-from-writer", "viewer-refused",
                "sh: can't create /data/viewer: Read-only file system");
        assertThat(textOf(lines, "last")).containsExactly("last-read=borrowed", "files: blob borrowed note");
        // busybox df -k: Filesystem 1K-blocks Used Available Use% Mounted on; the volume is on the task's 20 GiB storage
        String[] df = textOf(lines, "writer").getFirst().strip().split("\\s+");
        assertThat(Long.parseLong(df[1])).as("the volume's filesystem is the task's ephemeral storage").isBetween(20 * GIB_IN_KIB - 1024, 20 * GIB_IN_KIB + 1024);
        assertThat(Long.parseLong(df[2])).as("the volume's 64 MiB are counted in it").isGreaterThanOrEqualTo(64 * 1024);
        Path storage = berth.environment().dataDirectory().resolve("agent/storage").resolve(taskId(task.taskArn()));
        assertThat(storage).as("the task's storage, and its volumes with it, are gone").doesNotExist();
        assertThat(new HostLeftovers(berth.environment().dataDirectory()).mounts()).noneMatch(mountPoint -> Path.of(mountPoint).startsWith(storage));
    }

    @Test
    void volumesAndMountsRoundTripThroughDescribeTaskDefinition()
    {
        String arn = register("echoed", request -> request.volumes(Volume.builder().name("data").host(HostVolumeProperties.builder().build()).build()),
                container("main", true, "true").mountPoints(MountPoint.builder().sourceVolume("data").containerPath("/data").readOnly(true).build()).build());

        TaskDefinition described = berth.ecs().describeTaskDefinition(request -> request.taskDefinition(arn)).taskDefinition();

        assertThat(described.volumes()).extracting(Volume::name).containsExactly("data");
        assertThat(described.containerDefinitions().getFirst().mountPoints())
                .containsExactly(MountPoint.builder().sourceVolume("data").containerPath("/data").readOnly(true).build());
    }

    @Test
    void whatFargateHasNoVolumeForIsRefusedByName()
    {
        ContainerDefinition plain = container("main", true, "true").build();
        assertRefused(request -> request.volumes(Volume.builder().name("v").host(HostVolumeProperties.builder().sourcePath("/etc").build()).build()),
                plain, "Fargate compatible task definitions do not support sourcePath");
        assertRefused(request -> request.volumes(Volume.builder().name("v").dockerVolumeConfiguration(DockerVolumeConfiguration.builder().driver("local").build()).build()),
                plain, "dockerVolumeConfiguration");
        assertRefused(request -> request.volumes(Volume.builder().name("v").efsVolumeConfiguration(EFSVolumeConfiguration.builder().fileSystemId("fs-1").build()).build()),
                plain, "efsVolumeConfiguration");
        assertRefused(request -> request.volumes(Volume.builder().name("v")
                        .fsxWindowsFileServerVolumeConfiguration(FSxWindowsFileServerVolumeConfiguration.builder().fileSystemId("fs-1").rootDirectory("/").build()).build()),
                plain, "fsxWindowsFileServerVolumeConfiguration");
        assertRefused(request -> request.volumes(Volume.builder().name("v").configuredAtLaunch(true).build()), plain, "configuredAtLaunch");
    }

    @Test
    void brokenMountsAreRefused()
    {
        UnaryOperator<software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest.Builder> oneVolume = request -> request.volumes(Volume.builder().name("data").build());
        assertRefused(oneVolume, container("main", true, "true").mountPoints(MountPoint.builder().sourceVolume("other").containerPath("/data").build()).build(),
                "Unknown volume 'other'.");
        assertRefused(oneVolume, container("main", true, "true").mountPoints(MountPoint.builder().sourceVolume("data").containerPath("data").build()).build(),
                "containerPath 'data'", "absolute");
        assertRefused(oneVolume, container("main", true, "true").mountPoints(
                        MountPoint.builder().sourceVolume("data").containerPath("/a").build(),
                        MountPoint.builder().sourceVolume("data").containerPath("/a/").build()).build(),
                "duplicate mount point containerPath '/a/'");
        assertRefused(oneVolume, container("main", true, "true").volumesFrom(VolumeFrom.builder().sourceContainer("ghost").build()).build(),
                "unknown container 'ghost' in volumesFrom");
        assertThat(berth.ecs().listTaskDefinitionFamilies(request -> request.familyPrefix("refused")).families()).isEmpty();
    }

    private static void assertRefused(UnaryOperator<software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest.Builder> volumes,
            ContainerDefinition container, String... message)
    {
        assertThatThrownBy(() -> register("refused", volumes, container))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(((EcsException) e).statusCode()).isEqualTo(400))
                .hasMessageContainingAll(message);
    }

    private static String register(String family, UnaryOperator<software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest.Builder> volumes,
            ContainerDefinition container)
    {
        return berth.ecs().registerTaskDefinition(request -> volumes.apply(request.family(family).cpu("256").memory("512").networkMode(NetworkMode.AWSVPC)
                        .requiresCompatibilities(Compatibility.FARGATE).containerDefinitions(container)))
                .taskDefinition().taskDefinitionArn();
    }

    private static ContainerDefinition.Builder container(String name, boolean essential, String script)
    {
        return ContainerDefinition.builder().name(name).image(berth.environment().image()).essential(essential)
                .command(List.of("sh", "-c", script)).stopTimeout(2);
    }

    private static ContainerDependency after(String container)
    {
        return ContainerDependency.builder().containerName(container).condition(ContainerCondition.COMPLETE).build();
    }

    private static List<String> textOf(List<LogLines.Line> lines, String container)
    {
        return lines.stream().filter(line -> line.container().equals(container)).map(LogLines.Line::text).toList();
    }

    private static String taskId(String taskArn)
    {
        return taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }
}
