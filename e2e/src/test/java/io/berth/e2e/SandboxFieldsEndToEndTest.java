package io.berth.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KernelCapabilities;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.LinuxParameters;
import software.amazon.awssdk.services.ecs.model.PidMode;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.Ulimit;
import software.amazon.awssdk.services.ecs.model.UlimitName;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The task definition fields that shape a container's sandbox, honoured on real runc containers (read from inside
 * the container) or refused through the AWS SDK as Fargate refuses them.
 */
class SandboxFieldsEndToEndTest
{
    private static final String CLUSTER = "sandbox";

    @RegisterExtension
    static final BerthCluster berth = new BerthCluster(CLUSTER);

    @Test
    void readOnlyRootFilesystemRefusesWritesAndTheContainerStillRuns()
    {
        Task task = runToEnd("readonly", "echo x > /probe || echo root-refused; echo y > /tmp/probe || echo tmp-refused; echo ran",
                container -> container.readonlyRootFilesystem(true));

        assertThat(task.containers().get(0).exitCode()).isZero();
        // as on ECS, nothing extra is mounted: /tmp is part of the read-only root too
        assertThat(logs(task)).contains("root-refused", "tmp-refused", "ran").anyMatch(line -> line.contains("Read-only file system"));
    }

    @Test
    void dropAllLeavesNoCapabilityAndSysPtraceCanBeAdded()
    {
        Task dropped = runToEnd("drop-all", "grep CapEff /proc/self/status",
                container -> container.linuxParameters(LinuxParameters.builder().capabilities(KernelCapabilities.builder().drop("ALL").build()).build()));
        Task ptraceOnly = runToEnd("ptrace-only", "grep CapEff /proc/self/status",
                container -> container.linuxParameters(LinuxParameters.builder().capabilities(KernelCapabilities.builder().drop("ALL").add("SYS_PTRACE").build()).build()));
        Task defaults = runToEnd("default-caps", "grep CapEff /proc/self/status", UnaryOperator.identity());

        assertThat(logs(dropped)).containsExactly("CapEff:\t0000000000000000");
        // CAP_SYS_PTRACE is capability 19
        assertThat(logs(ptraceOnly)).containsExactly("CapEff:\t0000000000080000");
        assertThat(logs(defaults)).singleElement().isNotEqualTo("CapEff:\t0000000000000000");
    }

    @Test
    void initProcessIsTiniAsPidOneAndForwardsStopSignals()
    {
        Task task = runToEnd("init", "tr \"\\0\" \" \" < /proc/1/cmdline; echo", container -> container.linuxParameters(LinuxParameters.builder().initProcessEnabled(true).build()));
        assertThat(logs(task)).singleElement().asString().startsWith("/dev/init -- sh -c");

        // sleep as PID 1 ignores SIGTERM (the stop then waits for SIGKILL); under tini the signal reaches it
        String definition = register("init-stop", "sleep 600", container -> container.stopTimeout(60)
                .linuxParameters(LinuxParameters.builder().initProcessEnabled(true).build()));
        String taskArn = berth.runFargate(definition);
        berth.awaitStatus(taskArn, "RUNNING");
        Instant stopAsked = Instant.now();
        berth.ecs().stopTask(request -> request.cluster(CLUSTER).task(taskArn));
        Task stopped = berth.awaitStatus(taskArn, "STOPPED");

        assertThat(stopped.containers().get(0).exitCode()).as("128 + SIGTERM").isEqualTo(143);
        assertThat(Duration.between(stopAsked, Instant.now())).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void initProcessReapsOrphansThatTheCommandLeaves()
    {
        // an orphan goes to PID 1: sleep as PID 1 never reaps it, so it shows as a zombie (Z); tini reaps it
        String script = "(sleep 1 &); (sleep 2; ps -o stat,comm | grep -c '^Z' || true) & exec sleep 3";
        Task plain = runToEnd("no-init-zombie", script, UnaryOperator.identity());
        Task init = runToEnd("init-reaps", script, container -> container.linuxParameters(LinuxParameters.builder().initProcessEnabled(true).build()));

        assertThat(logs(plain)).as("zombies without init").containsExactly("1");
        assertThat(logs(init)).as("zombies under tini").containsExactly("0");
    }

    @Test
    void ulimitNofileIsHonoured()
    {
        Task task = runToEnd("nofile", "ulimit -n; ulimit -Hn",
                container -> container.ulimits(Ulimit.builder().name(UlimitName.NOFILE).softLimit(1024).hardLimit(2048).build()));
        Task defaults = runToEnd("nofile-default", "ulimit -n", UnaryOperator.identity());

        assertThat(logs(task)).containsExactly("1024", "2048");
        assertThat(logs(defaults)).singleElement().isNotEqualTo("1024");
    }

    @Test
    void containerMemoryIsItsOwnLimit()
    {
        Task task = runToEnd("container-memory", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; "
                        + "cat /sys/fs/cgroup/memory/memory.soft_limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.low",
                container -> container.memory(64).memoryReservation(32));

        assertThat(logs(task)).containsExactly(String.valueOf(64L << 20), String.valueOf(32L << 20));
    }

    @Test
    void aChildKilledForMemoryIsNotTheContainersOom()
    {
        // the inner shell holds the 200 MiB and is killed at the container's 64 MiB; the outer shell goes on and exits 0
        Task child = runToEnd("child-oom", "sh -c 'x=$(head -c 200m /dev/zero | tr \"\\0\" a)'; echo child-status=$?; exit 0",
                container -> container.memory(64));
        // the outer shell also reports "Killed" on stderr
        assertThat(logs(child)).contains("child-status=137");
        assertThat(child.containers().get(0).exitCode()).isZero();
        assertThat(child.containers().get(0).reason()).isNull();

        Task main = runToEnd("main-oom", "x=$(head -c 200m /dev/zero | tr \"\\0\" a); echo survived", container -> container.memory(64));
        assertThat(main.containers().get(0).exitCode()).isEqualTo(137);
        assertThat(main.containers().get(0).reason()).isEqualTo("OutOfMemoryError: Container killed due to memory usage");
    }

    @Test
    void seccompFilterIsOn()
    {
        // busybox has no io_uring tool: the profile's io_uring rule is checked in OciSpecHardeningTest; here, that a filter is on
        Task task = runToEnd("seccomp", "grep Seccomp: /proc/self/status", UnaryOperator.identity());
        assertThat(logs(task)).containsExactly("Seccomp:\t2");
    }

    @Test
    void fargateRefusalsAreClientExceptions()
    {
        assertRefused(() -> register("privileged", "true", container -> container.privileged(true)), "privileged");
        assertRefused(() -> register("sys-admin", "true", container -> container.linuxParameters(LinuxParameters.builder()
                .capabilities(KernelCapabilities.builder().add("SYS_ADMIN").build()).build())), "SYS_ADMIN", "only SYS_PTRACE");
        assertRefused(() -> register("soft-above-hard", "true", container -> container.ulimits(Ulimit.builder().name(UlimitName.NOFILE)
                .softLimit(4096).hardLimit(1024).build())), "nofile", "softLimit");
        assertRefused(() -> berth.ecs().registerTaskDefinition(request -> request.family("pid-host").requiresCompatibilitiesWithStrings("FARGATE").pidMode(PidMode.HOST)
                .containerDefinitions(ContainerDefinition.builder().name("main").image(berth.environment().image()).build())), "pidMode 'host'");
        assertThat(berth.ecs().listTaskDefinitionFamilies(request -> request.familyPrefix("privileged")).families()).isEmpty();
    }

    @Test
    void cpuOrMemoryOf2147483648IsAClientErrorNotAServerError()
    {
        assertThatThrownBy(() -> berth.ecs().registerTaskDefinition(request -> request.family("huge").requiresCompatibilitiesWithStrings("FARGATE").cpu("2147483648").memory("512")
                .containerDefinitions(ContainerDefinition.builder().name("main").image(berth.environment().image()).build())))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.statusCode()).isEqualTo(400))
                .hasMessageContaining("'cpu'");
        assertThatThrownBy(() -> berth.ecs().registerTaskDefinition(request -> request.family("huge").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("2147483648")
                .containerDefinitions(ContainerDefinition.builder().name("main").image(berth.environment().image()).build())))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.statusCode()).isEqualTo(400))
                .hasMessageContaining("'memory'");

        String definition = register("huge-override", "true", UnaryOperator.identity());
        assertThatThrownBy(() -> berth.ecs().runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE)
                .overrides(overrides -> overrides.cpu("2147483648"))))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.statusCode()).isEqualTo(400))
                .hasMessageContaining("'cpu'");
        assertThatThrownBy(() -> berth.ecs().runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE)
                .overrides(overrides -> overrides.memory("2147483648"))))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.statusCode()).isEqualTo(400))
                .hasMessageContaining("'memory'");
    }

    private static void assertRefused(Runnable call, String... messageParts)
    {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.statusCode()).isEqualTo(400))
                .hasMessageContainingAll(messageParts);
    }

    /** A Fargate definition of the smallest size whose one container runs the shell script under busybox sh. */
    private String register(String family, String shellCommand, UnaryOperator<ContainerDefinition.Builder> settings)
    {
        ContainerDefinition.Builder container = ContainerDefinition.builder()
                .name("main")
                .image(berth.environment().image())
                .command(List.of("sh", "-c", shellCommand))
                .stopTimeout(2);
        return berth.registerFargate(family, "256", "512", List.of(settings.apply(container).build()));
    }

    private Task runToEnd(String family, String shellCommand, UnaryOperator<ContainerDefinition.Builder> settings)
    {
        return berth.awaitStatus(berth.runFargate(register(family, shellCommand, settings)), "STOPPED");
    }

    private List<String> logs(Task task)
    {
        return LogLines.readAll(berth.environment(), CLUSTER, task.taskArn()).stream().map(LogLines.Line::text).toList();
    }
}
