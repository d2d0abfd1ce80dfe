package io.berth.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RunTask through the AWS SDK, on real runc containers from a real registry. */
class RunTaskEndToEndTest
{
    private static final String CLUSTER = "e2e";

    @RegisterExtension
    static final BerthCluster berth = new BerthCluster(CLUSTER);

    private String register(String family, String cpu, String memory, List<String> command, Integer stopTimeout)
    {
        ContainerDefinition.Builder container = ContainerDefinition.builder()
                .name("main")
                .image(berth.environment().image())
                .essential(true)
                .command(command);
        if (stopTimeout != null) {
            container.stopTimeout(stopTimeout);
        }
        return berth.registerFargate(family, cpu, memory, List.of(container.build()));
    }

    private Task runAndAwaitStop(String taskDefinition)
    {
        RunTaskResponse response = berth.ecs().runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(taskDefinition).launchType(LaunchType.FARGATE));
        assertThat(response.failures()).isEmpty();
        return berth.awaitStatus(response.tasks().get(0).taskArn(), "STOPPED");
    }

    @Test
    void exitCodeAndLogsOfARealContainer()
    {
        String definition = register("exit-code", "256", "512", List.of("sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"), null);
        Task task = runAndAwaitStop(definition);

        assertThat(task.containers()).singleElement().satisfies(container -> {
            assertThat(container.exitCode()).isEqualTo(3);
            assertThat(container.lastStatus()).isEqualTo("STOPPED");
            assertThat(container.imageDigest()).startsWith("sha256:");
        });
        assertThat(task.stopCodeAsString()).isEqualTo("EssentialContainerExited");
        assertThat(task.taskArn()).matches("arn:aws:ecs:us-east-1:\\d{12}:task/" + CLUSTER + "/[0-9a-f]{32}");
        assertThat(task.pullStartedAt()).isNotNull();
        assertThat(task.startedAt()).isAfterOrEqualTo(task.pullStoppedAt());
        assertThat(task.stoppedAt()).isAfterOrEqualTo(task.startedAt());

        List<LogLines.Line> lines = LogLines.readAll(berth.environment(), CLUSTER, task.taskArn());
        assertThat(lines).extracting(LogLines.Line::stream, LogLines.Line::text)
                .contains(org.assertj.core.groups.Tuple.tuple("stdout", "to-stdout"), org.assertj.core.groups.Tuple.tuple("stderr", "to-stderr"));
    }

    @Test
    void commandAndEnvironmentOverridesApply()
    {
        String definition = register("overrides", "256", "512", List.of("echo", "not-overridden"), null);
        RunTaskResponse response = berth.ecs().runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition)
                .overrides(overrides -> overrides.containerOverrides(container -> container
                        .name("main")
                        .command("sh", "-c", "echo greeting=$GREETING")
                        .environment(KeyValuePair.builder().name("GREETING").value("hello-berth").build()))));
        Task task = berth.awaitStatus(response.tasks().get(0).taskArn(), "STOPPED");

        assertThat(task.containers().get(0).exitCode()).isZero();
        assertThat(LogLines.readAll(berth.environment(), CLUSTER, task.taskArn())).extracting(LogLines.Line::text).containsExactly("greeting=hello-berth");
    }

    @Test
    void cpuQuotaFollowsTheTaskSize()
    {
        String definition = register("cpu-quota", "512", "1024",
                List.of("sh", "-c", "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d' ' -f1 /sys/fs/cgroup/cpu.max"), null);
        Task task = runAndAwaitStop(definition);

        assertThat(task.containers().get(0).exitCode()).isZero();
        // 512 cpu units are half a vCPU: 50 ms of every 100 ms period
        assertThat(LogLines.readAll(berth.environment(), CLUSTER, task.taskArn())).extracting(LogLines.Line::text).containsExactly("50000");
    }

    @Test
    void memoryHogIsKilledAsOutOfMemory()
    {
        // tail keeps the last line in memory, and /dev/zero has no line end: the main process itself grows past the
        // 512 MiB limit within seconds (a shell growing a string took close to the 60 s timeout on a busy machine)
        String definition = register("oom", "256", "512", List.of("tail", "/dev/zero"), null);
        Task task = runAndAwaitStop(definition);

        assertThat(task.containers().get(0).exitCode()).isEqualTo(137);
        assertThat(task.containers().get(0).reason()).isEqualTo("OutOfMemoryError: Container killed due to memory usage");
    }

    @Test
    void stopTaskStopsARunningContainer()
    {
        String definition = register("stop", "256", "512", List.of("sleep", "600"), 2);
        RunTaskResponse response = berth.ecs().runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition).startedBy("e2e-test"));
        String taskArn = response.tasks().get(0).taskArn();
        berth.awaitStatus(taskArn, "RUNNING");

        assertThat(berth.ecs().listTasks(request -> request.cluster(CLUSTER).startedBy("e2e-test").desiredStatus("RUNNING")).taskArns()).contains(taskArn);
        berth.ecs().stopTask(request -> request.cluster(CLUSTER).task(taskArn).reason("stopped by the test"));
        Task task = berth.awaitStatus(taskArn, "STOPPED");

        assertThat(task.stopCodeAsString()).isEqualTo("UserInitiated");
        assertThat(task.stoppedReason()).isEqualTo("stopped by the test");
        assertThat(task.desiredStatus()).isEqualTo("STOPPED");
        // sleep as pid 1 ignores SIGTERM, so the stop timeout ends in SIGKILL
        assertThat(task.containers().get(0).exitCode()).isEqualTo(137);
        assertThat(berth.ecs().listTasks(request -> request.cluster(CLUSTER).desiredStatus("STOPPED")).taskArns()).contains(taskArn);
    }

    @Test
    void unknownImageStopsTheTaskWithAPullError()
    {
        String definition = berth.ecs().registerTaskDefinition(request -> request.family("unknown-image").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512")
                        .containerDefinitions(ContainerDefinition.builder().name("main").image(berth.environment().berth().registryAddress() + "/no/such-image:latest").build()))
                .taskDefinition().taskDefinitionArn();
        Task task = runAndAwaitStop(definition);

        assertThat(task.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(task.stoppedReason()).startsWith("CannotPullContainerError: ").contains("no/such-image");
        assertThat(task.containers().get(0).exitCode()).isNull();
    }

    @Test
    void unreachableRegistryStopsTheTaskWithAPullError()
    {
        String definition = berth.ecs().registerTaskDefinition(request -> request.family("unreachable").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512")
                        .containerDefinitions(ContainerDefinition.builder().name("main").image("127.0.0.1:1/busybox:latest").build()))
                .taskDefinition().taskDefinitionArn();
        Task task = runAndAwaitStop(definition);

        assertThat(task.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(task.stoppedReason()).startsWith("CannotPullContainerError: ").contains("127.0.0.1:1");
    }

    @Test
    void invalidTaskSizeIsRejectedWithTheValidValues()
    {
        assertThatThrownBy(() -> register("bad-size", "256", "4096", List.of("true"), null))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("512")
                .hasMessageContaining("1024")
                .hasMessageContaining("2048");
        assertThat(berth.ecs().listTaskDefinitionFamilies(request -> request.familyPrefix("bad-size")).families()).isEmpty();
    }
}
