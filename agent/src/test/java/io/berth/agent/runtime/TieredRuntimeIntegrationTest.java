package io.berth.agent.runtime;

import io.berth.agent.logs.ContainerLogReader;
import io.berth.common.agentprotocol.IsolationTier;
import io.berth.common.agentprotocol.LogLine;
import io.berth.testing.BusyboxRootfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * One host runtime with both tiers on real runc, runsc (Debian's gVisor) and conmon: each container runs with its
 * tier's runtime, and what the spec asks (hardening, cgroup limits, seccomp) holds under runsc as under runc. Processes
 * run in running containers (what health checks use) join the container with its environment at either tier, a
 * process past its deadline is killed in the container (not only the runtime's exec), and an exec into a container
 * that has exited fails with the runtime's reason instead of hanging.
 * Needs root, runc, runsc, conmon, tini and busybox-static.
 */
class TieredRuntimeIntegrationTest
{
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    private Path rootfs;
    private String cgroupParent;
    private final CgroupLayout cgroups = CgroupLayout.host();
    private TieredRuntime runtime;

    @BeforeEach
    void setUp()
            throws IOException
    {
        rootfs = BusyboxRootfs.create(directory.resolve("rootfs"));
        cgroupParent = "berth-test-" + UUID.randomUUID().toString().substring(0, 8);
        runtime = newRuntime(true);
    }

    @AfterEach
    void tearDown()
            throws IOException
    {
        TieredRuntime cleaner = newRuntime(true);
        for (String containerId : cleaner.containerIds()) {
            cleaner.delete(containerId);
        }
        cgroups.remove("/" + cgroupParent);
    }

    @Test
    void eachContainerRunsWithItsTiersRuntimeThroughTheSameMonitorLogsAndExits()
            throws Exception
    {
        String probe = "dmesg 2>/dev/null | head -1; cat /proc/version; echo on-stderr >&2; exit 7";
        runtime.start(launch("sandboxed", IsolationTier.SANDBOX, ContainerHardening.DEFAULT, "sh", "-c", probe));
        runtime.start(launch("plain", IsolationTier.CONTAINER, ContainerHardening.DEFAULT, "sh", "-c", probe));

        assertThat(awaitExit("sandboxed").exitCode()).isEqualTo(7);
        assertThat(awaitExit("plain").exitCode()).isEqualTo(7);
        String hostKernel = Files.readString(Path.of("/proc/version")).strip();
        assertThat(logText("sandboxed")).contains("[   0.000000] Starting gVisor...", "on-stderr").doesNotContain(hostKernel);
        assertThat(logText("plain")).contains(hostKernel, "on-stderr").doesNotContain("[   0.000000] Starting gVisor...");
        assertThat(runtime.containerIds()).containsExactly("plain", "sandboxed");
        // each runtime keeps its state in its own directory
        assertThat(directory.resolve("runtime-sandbox").resolve("bundles").resolve("sandboxed")).exists();
        assertThat(directory.resolve("runtime-sandbox").resolve("runc").resolve("sandboxed_sandbox:sandboxed.state")).exists();
        assertThat(directory.resolve("runtime").resolve("bundles").resolve("sandboxed")).doesNotExist();

        runtime.delete("sandboxed");
        runtime.delete("plain");
        assertThat(runtime.containerIds()).isEmpty();
        assertThat(runtime.status("sandboxed")).isEmpty();
        assertThat(cgroups.existingDirectories("/" + cgroupParent + "/sandboxed")).isEmpty();
    }

    @Test
    void theHardeningFieldsHoldInsideTheSandbox()
            throws Exception
    {
        ContainerHardening hardening = new ContainerHardening(true, true, List.of(), List.of("ALL"),
                List.of(new ResourceLimit(ResourceLimit.OPEN_FILES, 1024, 2048)));
        runtime.start(launch("hardened", IsolationTier.SANDBOX, hardening, "sh", "-c",
                "tr '\\0' ' ' < /proc/1/cmdline; echo; grep -E '^(CapEff|Seccomp):' /proc/self/status; ulimit -n; ulimit -Hn; "
                        + "(echo x > /probe) 2>/dev/null || echo read-only-root"));

        assertThat(awaitExit("hardened").exitCode()).isZero();
        assertThat(logText("hardened")).containsExactly(
                "/dev/init -- sh -c tr '\\0' ' ' < /proc/1/cmdline; echo; grep -E '^(CapEff|Seccomp):' /proc/self/status; ulimit -n; ulimit -Hn; "
                        + "(echo x > /probe) 2>/dev/null || echo read-only-root ",
                "CapEff:\t0000000000000000",
                // the spec's seccomp profile is applied inside the sandbox (runsc --oci-seccomp)
                "Seccomp:\t2",
                "1024",
                "2048",
                "read-only-root");
    }

    @Test
    void theSandboxSitsInTheContainersCgroupWithItsLimitsAndIsMetered()
            throws Exception
    {
        runtime.start(new ContainerLaunch("metered", rootfs, List.of("sh", "-c", "head -c 20m /dev/zero | tail -c 1 > /dev/null; sleep 600"), List.of(), "/", "",
                "h", ResourceLimits.fromTaskSize(256, 128), logFile("metered"), null, ContainerHardening.DEFAULT, null, IsolationTier.SANDBOX));
        await().atMost(PATIENCE).until(() -> runtime.status("metered").orElse(null) instanceof ContainerStatus.Running);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(runtime.usage("metered")).hasValueSatisfying(usage -> {
            assertThat(usage.cpuNanos()).isPositive();
            assertThat(usage.memoryBytes()).isPositive();
        }));
        Path memory = cgroups.controllerDirectory("memory", "/" + cgroupParent + "/metered");
        assertThat(Files.readString(memory.resolve(cgroups.isUnified() ? "memory.max" : "memory.limit_in_bytes")).strip()).isEqualTo(String.valueOf(128L << 20));

        runtime.signal("metered", 9);
        assertThat(awaitExit("metered").exitCode()).isEqualTo(137);
    }

    @Test
    void aHostWithoutRunscRefusesASandboxContainerAndSaysWhatToInstall()
            throws Exception
    {
        TieredRuntime runcOnly = newRuntime(false);

        assertThat(runcOnly.tiers()).containsExactly(IsolationTier.CONTAINER);
        assertThatThrownBy(() -> runcOnly.start(launch("nowhere", IsolationTier.SANDBOX, ContainerHardening.DEFAULT, "true")))
                .isInstanceOf(ContainerStartException.class)
                .hasMessageContaining("no runtime for isolation sandbox")
                .hasMessageContaining("runsc");
        assertThat(runcOnly.containerIds()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(IsolationTier.class)
    void aProcessJoinsTheRunningContainerWithItsEnvironment(IsolationTier tier)
            throws Exception
    {
        startSleeper("app", tier);

        ExecResult result = runtime.exec("app", List.of("sh", "-c", "echo $GREETING; test -f /tmp/only-in-the-container && exit 3"), Duration.ofSeconds(20));

        assertThat(result.timedOut()).isFalse();
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output()).contains("hello-from-the-spec");
        assertThat(result.succeeded()).isFalse();
        assertThat(runtime.exec("app", List.of("true"), Duration.ofSeconds(20)).succeeded()).isTrue();
        // nothing of the exec is left in the bundle
        Path bundles = directory.resolve(tier == IsolationTier.SANDBOX ? "runtime-sandbox" : "runtime").resolve("bundles").resolve("app");
        try (var entries = Files.list(bundles)) {
            assertThat(entries.map(entry -> entry.getFileName().toString())).noneMatch(name -> name.startsWith("exec-"));
        }
    }

    @ParameterizedTest
    @EnumSource(IsolationTier.class)
    void aProcessPastItsDeadlineIsKilledInTheContainer(IsolationTier tier)
    {
        startSleeper("slow", tier);

        ExecResult result = runtime.exec("slow", List.of("sh", "-c", "echo $$ > /tmp/check.pid; exec sleep 60"), Duration.ofSeconds(2));

        assertThat(result.timedOut()).isTrue();
        assertThat(result.succeeded()).isFalse();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                runtime.exec("slow", List.of("sh", "-c", "kill -0 $(cat /tmp/check.pid) 2>/dev/null && echo alive || echo gone"), Duration.ofSeconds(20)).output())
                .contains("gone"));
    }

    @ParameterizedTest
    @EnumSource(IsolationTier.class)
    void anExecIntoAnExitedContainerFailsWithoutWaiting(IsolationTier tier)
    {
        startSleeper("done", tier);
        runtime.signal("done", 9);
        await().atMost(PATIENCE).until(() -> runtime.status("done").orElse(null) instanceof ContainerStatus.Exited);

        ExecResult result = runtime.exec("done", List.of("true"), Duration.ofSeconds(20));

        assertThat(result.timedOut()).isFalse();
        assertThat(result.succeeded()).isFalse();
        assertThat(runtime.exec("never-made", List.of("true"), Duration.ofSeconds(20)).output()).contains("does not exist");
    }

    /** A container of the tier that runs until killed, once its command has made its file. */
    private void startSleeper(String containerId, IsolationTier tier)
    {
        try {
            runtime.start(new ContainerLaunch(containerId, rootfs, List.of("sh", "-c", "touch /tmp/only-in-the-container; sleep 600"), List.of("GREETING=hello-from-the-spec"),
                    "/", "", "h", ResourceLimits.fromTaskSize(256, 128), directory.resolve("logs").resolve(containerId + ".log"), null,
                    ContainerHardening.DEFAULT, null, tier));
        }
        catch (ContainerStartException e) {
            throw new AssertionError(e);
        }
        await().atMost(PATIENCE).until(() -> runtime.status(containerId).orElse(null) instanceof ContainerStatus.Running);
        // the container's command has made its file
        await().atMost(PATIENCE).until(() -> runtime.exec(containerId, List.of("test", "-f", "/tmp/only-in-the-container"), Duration.ofSeconds(20)).succeeded());
    }

    private TieredRuntime newRuntime(boolean withRunsc)
    {
        RuncConmonRuntime runc = new RuncConmonRuntime(directory.resolve("runtime"), OciRuntime.runc(OciRuntime.DEFAULT_RUNC), RuncConmonRuntime.DEFAULT_CONMON,
                cgroupParent, cgroups, Clock.systemUTC());
        if (!withRunsc) {
            return new TieredRuntime(List.of(runc));
        }
        RuncConmonRuntime runsc = new RuncConmonRuntime(directory.resolve("runtime-sandbox"), OciRuntime.runsc(OciRuntime.DEFAULT_RUNSC),
                RuncConmonRuntime.DEFAULT_CONMON, cgroupParent, cgroups, Clock.systemUTC());
        return new TieredRuntime(List.of(runc, runsc));
    }

    private ContainerLaunch launch(String containerId, IsolationTier tier, ContainerHardening hardening, String... args)
    {
        return new ContainerLaunch(containerId, rootfs, List.of(args), List.of(), "/", "", "h", ResourceLimits.fromTaskSize(256, 128), logFile(containerId),
                null, hardening, null, tier);
    }

    private Path logFile(String containerId)
    {
        return directory.resolve("logs").resolve(containerId + ".log");
    }

    private List<String> logText(String containerId)
            throws IOException
    {
        return new ContainerLogReader().read(logFile(containerId), containerId, 0, 1000).lines().stream().map(LogLine::text).toList();
    }

    private ContainerStatus.Exited awaitExit(String containerId)
    {
        return (ContainerStatus.Exited) await().atMost(PATIENCE)
                .until(() -> runtime.status(containerId).orElse(null), status -> status instanceof ContainerStatus.Exited);
    }
}
