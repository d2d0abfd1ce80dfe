package io.berth.agent.runtime;

import io.berth.common.agentprotocol.IsolationTier;
import io.berth.testing.BusyboxRootfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import static org.awaitility.Awaitility.await;

/**
 * Processes run in running containers (what health checks use) on real runc, runsc and conmon: they join the
 * container with its environment, a process past its deadline is killed in the container (not only the runtime's
 * exec), and an exec into a container that has exited fails with the runtime's reason instead of hanging. Needs
 * root, runc, runsc, conmon and busybox-static.
 */
class ContainerExecIntegrationTest
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
        RuncConmonRuntime runc = new RuncConmonRuntime(directory.resolve("runtime"), OciRuntime.runc(OciRuntime.DEFAULT_RUNC), RuncConmonRuntime.DEFAULT_CONMON,
                cgroupParent, cgroups, Clock.systemUTC());
        RuncConmonRuntime runsc = new RuncConmonRuntime(directory.resolve("runtime-sandbox"), OciRuntime.runsc(OciRuntime.DEFAULT_RUNSC),
                RuncConmonRuntime.DEFAULT_CONMON, cgroupParent, cgroups, Clock.systemUTC());
        runtime = new TieredRuntime(List.of(runc, runsc));
    }

    @AfterEach
    void tearDown()
            throws IOException
    {
        for (String containerId : runtime.containerIds()) {
            runtime.delete(containerId);
        }
        cgroups.remove("/" + cgroupParent);
    }

    @ParameterizedTest
    @EnumSource(IsolationTier.class)
    void aProcessJoinsTheRunningContainerWithItsEnvironment(IsolationTier tier)
            throws Exception
    {
        start("app", tier);

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
        start("slow", tier);

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
        start("done", tier);
        runtime.signal("done", 9);
        await().atMost(PATIENCE).until(() -> runtime.status("done").orElse(null) instanceof ContainerStatus.Exited);

        ExecResult result = runtime.exec("done", List.of("true"), Duration.ofSeconds(20));

        assertThat(result.timedOut()).isFalse();
        assertThat(result.succeeded()).isFalse();
        assertThat(runtime.exec("never-made", List.of("true"), Duration.ofSeconds(20)).output()).contains("does not exist");
    }

    private void start(String containerId, IsolationTier tier)
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
}
