package io.berth.e2e;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.EphemeralStorage;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The escape suite: what a tenant who controls a container tries in order to reach the host or another tenant,
 * each attack run in a real container under both isolation tiers (runc hardened, and gVisor's runsc), with the
 * defence that stops it named in the test. The attacker's system calls come from escape-probe.c, built static.
 */
class EscapeEndToEndTest
{
    private static final String CLUSTER = "escape";
    /**
     * A victim's or neighbour's command: sleeps, and ends on the SIGTERM of a stop (a shell or sleep as a pid
     * namespace's first process ignores it otherwise, and each stop would wait out the stop timeout).
     */
    private static final String SLEEP_UNTIL_STOPPED = "trap 'exit 0' TERM; sleep 600 & wait";

    @RegisterExtension
    static final BerthCluster berth = new BerthCluster(CLUSTER);

    private static String probeImage;

    /** The two tiers; a task definition asks for the sandbox with the tag berth:isolation=sandbox. */
    enum Tier
    {
        CONTAINER(List.of()),
        SANDBOX(List.of(Tag.builder().key("berth:isolation").value("sandbox").build()));

        private final List<Tag> tags;

        Tier(List<Tag> tags)
        {
            this.tags = tags;
        }
    }

    @BeforeAll
    static void pushProbeImage()
            throws IOException, InterruptedException
    {
        probeImage = EscapeProbeImage.push(berth.environment());
    }

    @ParameterizedTest
    @EnumSource(Tier.class)
    @DisplayName("mount the host's disk: the device cgroup refuses to open a block device node and mount needs CAP_SYS_ADMIN")
    void mountingTheHostDiskIsRefused(Tier tier)
            throws IOException
    {
        String[] device = rootDevice();
        List<String> output = attack(tier, "mount-disk", "escape-probe mount-disk " + device[0] + " " + device[1]);

        assertThat(output)
                .anyMatch(line -> line.startsWith("open_block_device: refused"))
                .anyMatch(line -> line.startsWith("mount_host_disk: refused"));
    }

    @ParameterizedTest
    @EnumSource(Tier.class)
    @DisplayName("load a kernel module: no CAP_SYS_MODULE (and under gVisor, no host kernel to load into)")
    void loadingAKernelModuleIsRefused(Tier tier)
    {
        assertThat(attack(tier, "module", "escape-probe module")).anyMatch(line -> line.startsWith("finit_module: refused"));
    }

    @ParameterizedTest
    @EnumSource(Tier.class)
    @DisplayName("write /proc/sysrq-trigger and /sys: read-only /proc paths and a read-only /sys")
    void hostControlFilesAreNotWritable(Tier tier)
    {
        List<String> output = attack(tier, "control-files",
                "escape-probe open-write /proc/sysrq-trigger; escape-probe open-write /sys/kernel/mm/transparent_hugepage/enabled; "
                        + "escape-probe open-write /sys/power/state");

        assertThat(output)
                .anyMatch(line -> line.startsWith("write /proc/sysrq-trigger: refused"))
                .anyMatch(line -> line.startsWith("write /sys/kernel/mm/transparent_hugepage/enabled: refused"))
                .anyMatch(line -> line.startsWith("write /sys/power/state: refused"))
                .noneMatch(line -> line.endsWith(": allowed"));
    }

    @ParameterizedTest
    @EnumSource(Tier.class)
    @DisplayName("the cgroup release_agent escape: no cgroup mount of its own (no CAP_SYS_ADMIN) and a read-only /sys/fs/cgroup")
    void releaseAgentEscapeIsRefused(Tier tier)
    {
        List<String> output = attack(tier, "release-agent", "escape-probe release-agent");

        assertThat(output)
                .anyMatch(line -> line.startsWith("mount_cgroup_hierarchy: refused"))
                .anyMatch(line -> line.startsWith("write /sys/fs/cgroup/memory/release_agent: refused"));
    }

    @ParameterizedTest
    @EnumSource(Tier.class)
    @DisplayName("io_uring and ptrace of a host process: io_uring denied by seccomp (gVisor: not offered); the host's pids are outside the pid namespace")
    void ioUringAndPtraceOfAHostProcessAreRefused(Tier tier)
    {
        long hostPid = ProcessHandle.current().pid();
        List<String> output = attack(tier, "io-uring-ptrace", "escape-probe io_uring; escape-probe ptrace " + hostPid);

        assertThat(output)
                .anyMatch(line -> line.startsWith("io_uring_setup: refused"))
                .anyMatch(line -> line.startsWith("ptrace_attach: refused"));
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Tier.class)
    @DisplayName("read another task's files and environment through /proc: each task has its own pid namespace and rootfs")
    void anotherTasksProcessesAreInvisible(Tier tier)
            throws IOException
    {
        String secret = "secret-" + UUID.randomUUID();
        String victim = berth.runFargate(register(tier, "victim", "echo $SECRET_OF_A > /root/secret-file; " + SLEEP_UNTIL_STOPPED, container -> container
                .environment(KeyValuePair.builder().name("SECRET_OF_A").value(secret).build())));
        try {
            berth.awaitStatus(victim, "RUNNING");
            String victimHostPid = hostPidWithEnvironment(secret).map(String::valueOf).orElse("1");
            List<String> output = attack(tier, "proc-reader", "cat /proc/[0-9]*/environ | tr '\\0' '\\n'; cat /proc/" + victimHostPid
                    + "/environ; cat /proc/*/root/root/secret-file; find / -name secret-file 2>/dev/null; ls /proc | grep -c '^[0-9]'");

            assertThat(String.join("\n", output)).doesNotContain(secret);
        }
        finally {
            stop(victim);
        }
    }

    @ParameterizedTest
    @EnumSource(Tier.class)
    @DisplayName("signal another task's processes: kill -9 -1 reaches only the attacker's own pid namespace")
    void killingEverythingReachesOnlyTheAttackersOwnProcesses(Tier tier)
    {
        String victim = berth.runFargate(register(tier, "signal-victim", SLEEP_UNTIL_STOPPED, UnaryOperator.identity()));
        try {
            berth.awaitStatus(victim, "RUNNING");
            List<String> output = attack(tier, "killer", "sleep 300 & kill -9 -1; wait; echo killed-all");

            assertThat(output).contains("killed-all");
            assertThat(BerthEnvironment.describe(berth.ecs(), CLUSTER, victim).lastStatus()).isEqualTo("RUNNING");
        }
        finally {
            stop(victim);
        }
    }

    @ParameterizedTest
    @EnumSource(Tier.class)
    @DisplayName("a fork bomb: the task's pids limit refuses new processes past it (gVisor: the sandbox ends at it); other tasks and the host still fork")
    void aForkBombStopsAtThePidsLimit(Tier tier)
            throws IOException, InterruptedException
    {
        String neighbour = berth.runFargate(register(tier, "fork-neighbour", SLEEP_UNTIL_STOPPED, UnaryOperator.identity()));
        try {
            berth.awaitStatus(neighbour, "RUNNING");
            // bounded: 4400 waiting children are more than the 4096 pids a task may have. Under runc the children are
            // made with clone(CLONE_VM), which the pids limit counts like forks but which copy no page tables: a
            // fork here costs milliseconds, and 4096 of them most of a minute. Under gVisor they are real forks: the
            // guest's new address spaces are what make the sentry ask the host for processes
            String attack = tier == Tier.CONTAINER ? "escape-probe process-bomb 4400" : "escape-probe fork-bomb 4400";
            Attack bomb = attackTask(tier, "fork-bomb", attack + "; echo bomb-ended", "512", "2048", UnaryOperator.identity(), null);

            if (tier == Tier.CONTAINER) {
                assertThat(bomb.lines()).as(bomb.describe()).anyMatch(line -> line.startsWith("process_bomb: refused after ")).contains("bomb-ended");
            }
            else {
                // gVisor's ptrace platform backs each guest process with host ones, in the task's cgroup: at the pids
                // limit the sentry cannot make the next and the whole sandbox ends, the attacker's task with it
                assertThat(bomb.lines()).as(bomb.describe()).noneMatch(line -> line.startsWith("fork_bomb: allowed"));
                assertThat(bomb.task().containers().get(0).exitCode()).as(bomb.describe()).isNotZero();
            }
            assertThat(BerthEnvironment.describe(berth.ecs(), CLUSTER, neighbour).lastStatus()).isEqualTo("RUNNING");
            Process host = new ProcessBuilder("true").start();
            assertThat(host.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(host.exitValue()).isZero();
        }
        finally {
            stop(neighbour);
        }
    }

    @ParameterizedTest
    @EnumSource(Tier.class)
    @DisplayName("a memory bomb: the task's memory limit kills it for memory; its neighbour keeps running")
    void aMemoryBombIsKilledAtItsLimit(Tier tier)
    {
        String neighbour = berth.runFargate(register(tier, "memory-neighbour", SLEEP_UNTIL_STOPPED, UnaryOperator.identity()));
        try {
            berth.awaitStatus(neighbour, "RUNNING");
            Task bomb = berth.awaitStatus(berth.runFargate(register(tier, "memory-bomb", "escape-probe memory-bomb 4096", UnaryOperator.identity())), "STOPPED");

            assertThat(bomb.containers().get(0).reason()).contains("OutOfMemoryError");
            assertThat(BerthEnvironment.describe(berth.ecs(), CLUSTER, neighbour).lastStatus()).isEqualTo("RUNNING");
        }
        finally {
            stop(neighbour);
        }
    }

    @ParameterizedTest
    @EnumSource(Tier.class)
    @DisplayName("filling the disk: the task writes into its own filesystem of its ephemeral storage size and gets ENOSPC there; its neighbour and the host still write")
    void fillingTheDiskStopsAtTheTasksOwnStorage(Tier tier)
            throws IOException
    {
        String neighbour = berth.runFargate(register(tier, "disk-neighbour", SLEEP_UNTIL_STOPPED, UnaryOperator.identity()));
        try {
            berth.awaitStatus(neighbour, "RUNNING");
            // bounded: 22 GiB is more than the 21 GiB asked for; the probe reserves the free space with fallocate(2)
            // and then writes data until a write is refused, rather than writing all 21 GiB
            List<String> output = attack(tier, "disk-fill", "df -k / | tail -1; escape-probe fill-disk /fill 22528; "
                    + "rm -f /fill; echo after-rm", "256", "512", container -> container, 21);

            assertThat(output)
                    .anyMatch(line -> line.startsWith("fill_disk: refused after ") && line.contains("No space left on device"))
                    .noneMatch(line -> line.startsWith("fill_disk: allowed"))
                    .contains("after-rm");
            assertThat(BerthEnvironment.describe(berth.ecs(), CLUSTER, neighbour).lastStatus()).isEqualTo("RUNNING");
            Path hostFile = Files.createTempFile("berth-escape-host-write", ".txt");
            try {
                Files.writeString(hostFile, "the host still writes");
                assertThat(Files.readString(hostFile)).isEqualTo("the host still writes");
            }
            finally {
                Files.deleteIfExists(hostFile);
            }
        }
        finally {
            stop(neighbour);
        }
    }

    @ParameterizedTest
    @EnumSource(Tier.class)
    @DisplayName("a setuid-root binary in the image: no_new_privs keeps an unprivileged user unprivileged")
    void aSetuidBinaryGivesNothing(Tier tier)
    {
        List<String> output = attack(tier, "setuid", "escape-probe-setuid id", "256", "512", container -> container.user("app"));

        assertThat(output).contains("uid: real=1000 effective=1000 saved=1000");
    }

    @ParameterizedTest
    @EnumSource(Tier.class)
    @DisplayName("the uid a container's root has on the host: an unprivileged uid of the task's own user namespace range (container); no host process at all (sandbox: it lives in gVisor's kernel)")
    void containerRootIsNotHostRoot(Tier tier)
            throws IOException
    {
        String marker = "marker-" + UUID.randomUUID();
        String taskArn = berth.runFargate(register(tier, "root-uid", SLEEP_UNTIL_STOPPED, container -> container
                .environment(KeyValuePair.builder().name("ESCAPE_MARKER").value(marker).build())));
        try {
            berth.awaitStatus(taskArn, "RUNNING");
            if (tier == Tier.CONTAINER) {
                long pid = await().atMost(Duration.ofSeconds(10)).until(() -> hostPidWithEnvironment(marker), Optional::isPresent).orElseThrow();
                int hostUid = (int) Files.getAttribute(Path.of("/proc", String.valueOf(pid)), "unix:uid");
                assertThat(hostUid).as("host uid of the container's root").isGreaterThanOrEqualTo(1 << 30);
            }
            else {
                assertThat(hostPidWithEnvironment(marker)).as("a host process running the sandboxed command").isEmpty();
            }
        }
        finally {
            stop(taskArn);
        }
    }

    /** Runs the script as the container's command under the tier, to its end, and returns its log lines. */
    private List<String> attack(Tier tier, String name, String script)
    {
        return attack(tier, name, script, "256", "512", UnaryOperator.identity());
    }

    private List<String> attack(Tier tier, String name, String script, String cpu, String memory)
    {
        return attack(tier, name, script, cpu, memory, UnaryOperator.identity());
    }

    private List<String> attack(Tier tier, String name, String script, String cpu, String memory, UnaryOperator<ContainerDefinition.Builder> settings)
    {
        return attack(tier, name, script, cpu, memory, settings, null);
    }

    private List<String> attack(Tier tier, String name, String script, String cpu, String memory, UnaryOperator<ContainerDefinition.Builder> settings,
            Integer ephemeralStorageGiB)
    {
        return attackTask(tier, name, script, cpu, memory, settings, ephemeralStorageGiB).lines();
    }

    /** An attack's task when it stopped, and what it printed. */
    record Attack(Task task, List<String> lines)
    {
        String describe()
        {
            var container = task.containers().get(0);
            return "exit code " + container.exitCode() + ", reason " + container.reason() + ", stopped reason " + task.stoppedReason() + ", output " + lines;
        }
    }

    private Attack attackTask(Tier tier, String name, String script, String cpu, String memory, UnaryOperator<ContainerDefinition.Builder> settings,
            Integer ephemeralStorageGiB)
    {
        String taskArn = berth.runFargate(register(tier, name, script, cpu, memory, settings, ephemeralStorageGiB));
        // thousands of forks take a while on a busy host
        Task task = BerthEnvironment.awaitStatus(berth.ecs(), CLUSTER, taskArn, "STOPPED", Duration.ofMinutes(3));
        Attack attack = new Attack(task, LogLines.readAll(berth.environment(), CLUSTER, task.taskArn()).stream().map(LogLines.Line::text).toList());
        assertThat(task.stopCodeAsString()).as("the attack ran to its end: %s", attack.describe()).isEqualTo("EssentialContainerExited");
        return attack;
    }

    private String register(Tier tier, String name, String script, UnaryOperator<ContainerDefinition.Builder> settings)
    {
        return register(tier, name, script, "256", "512", settings);
    }

    private String register(Tier tier, String name, String script, String cpu, String memory, UnaryOperator<ContainerDefinition.Builder> settings)
    {
        return register(tier, name, script, cpu, memory, settings, null);
    }

    private String register(Tier tier, String name, String script, String cpu, String memory, UnaryOperator<ContainerDefinition.Builder> settings,
            Integer ephemeralStorageGiB)
    {
        ContainerDefinition.Builder container = ContainerDefinition.builder()
                .name("main")
                .image(probeImage)
                .essential(true)
                .command(List.of("sh", "-c", script))
                .stopTimeout(2);
        return berth.ecs().registerTaskDefinition(request -> request
                        .family(tier.name().toLowerCase() + "-" + name)
                        .cpu(cpu)
                        .memory(memory)
                        .networkMode(NetworkMode.AWSVPC)
                        .requiresCompatibilities(Compatibility.FARGATE)
                        .tags(tier.tags)
                        .ephemeralStorage(ephemeralStorageGiB == null ? null : EphemeralStorage.builder().sizeInGiB(ephemeralStorageGiB).build())
                        .containerDefinitions(settings.apply(container).build()))
                .taskDefinition().taskDefinitionArn();
    }

    private void stop(String taskArn)
    {
        berth.ecs().stopTask(request -> request.cluster(CLUSTER).task(taskArn));
        berth.awaitStatus(taskArn, "STOPPED");
    }

    /** Major and minor number of the block device behind the host's root filesystem, from /proc/self/mountinfo. */
    private static String[] rootDevice()
            throws IOException
    {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] fields = line.split(" ");
            if (fields[4].equals("/")) {
                return fields[2].split(":");
            }
        }
        throw new IllegalStateException("no root mount in /proc/self/mountinfo");
    }

    /** The host pid of a process whose environment holds the value; a sandboxed (gVisor) process has none on the host. */
    private static Optional<Long> hostPidWithEnvironment(String value)
    {
        List<Long> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(process -> {
            try {
                String environment = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "environ"), StandardCharsets.ISO_8859_1);
                if (environment.contains(value)) {
                    found.add(process.pid());
                }
            }
            catch (IOException | RuntimeException e) {
                // a process that ended while we looked, or a kernel thread
            }
        });
        return found.stream().findFirst();
    }
}
