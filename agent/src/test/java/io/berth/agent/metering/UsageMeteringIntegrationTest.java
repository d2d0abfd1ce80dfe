package io.berth.agent.metering;

import io.berth.agent.runtime.CgroupLayout;
import io.berth.agent.runtime.ContainerLaunch;
import io.berth.agent.runtime.ContainerStatus;
import io.berth.agent.runtime.ResourceLimits;
import io.berth.agent.runtime.RuncConmonRuntime;
import io.berth.common.agentprotocol.TaskUsage;
import io.berth.testing.BusyboxRootfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Real containers under runc: usage read from their real cgroups. Needs root, runc, conmon and busybox-static. */
class UsageMeteringIntegrationTest
{
    @TempDir
    Path directory;

    private Path rootfs;
    private String cgroupParent;
    private RuncConmonRuntime runtime;
    private UsageLedger ledger;
    private MeteredRuntime metered;

    @BeforeEach
    void setUp()
            throws IOException
    {
        rootfs = BusyboxRootfs.create(directory.resolve("rootfs"));
        cgroupParent = "berth-test-" + UUID.randomUUID().toString().substring(0, 8);
        runtime = new RuncConmonRuntime(directory.resolve("state"), RuncConmonRuntime.DEFAULT_RUNC, RuncConmonRuntime.DEFAULT_CONMON, cgroupParent, Clock.systemUTC());
        ledger = new UsageLedger(directory.resolve("usage"));
        metered = new MeteredRuntime(runtime, ledger, Clock.systemUTC());
    }

    @AfterEach
    void tearDown()
            throws IOException
    {
        for (String containerId : runtime.containerIds()) {
            runtime.delete(containerId);
        }
        CgroupLayout.host().remove("/" + cgroupParent);
    }

    @Test
    void aBusyContainerUsesCpuAnIdleOneDoesNotAndPeakMemoryIsSeen()
            throws Exception
    {
        metered.start(launch("burn-main", 256, 512, "sh", "-c", "while :; do :; done"));
        metered.start(launch("idle-main", 256, 512, "sleep", "1000"));
        // the shell keeps the whole 48 MiB string in its own memory, then waits
        metered.start(launch("hog-main", 256, 512, "sh", "-c", "x=$(head -c 48m /dev/zero | tr '\\0' a); echo ${#x}; sleep 1000"));

        // sample until the busy container has used a measurable share of its quarter vCPU
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            List.of("burn-main", "idle-main", "hog-main").forEach(metered::sample);
            return ledger.taskUsage("burn").map(TaskUsage::cpuSeconds).orElse(0.0) > 0.5
                    && ledger.taskUsage("hog").map(TaskUsage::peakMemoryMiB).orElse(0.0) >= 48;
        });
        for (String containerId : List.of("burn-main", "idle-main", "hog-main")) {
            metered.signal(containerId, 9);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> List.of("burn-main", "idle-main", "hog-main").stream()
                .allMatch(id -> runtime.status(id).orElseThrow() instanceof ContainerStatus.Exited));
        double burnBeforeDelete = ledger.taskUsage("burn").orElseThrow().cpuSeconds();

        // the last reading is taken on delete, before the cgroup (and its counters) go
        for (String containerId : List.of("burn-main", "idle-main", "hog-main")) {
            metered.delete(containerId);
        }

        TaskUsage burn = ledger.taskUsage("burn").orElseThrow();
        TaskUsage idle = ledger.taskUsage("idle").orElseThrow();
        TaskUsage hog = ledger.taskUsage("hog").orElseThrow();
        assertThat(burn.cpuSeconds()).isGreaterThanOrEqualTo(burnBeforeDelete).isGreaterThan(0.5);
        assertThat(idle.cpuSeconds()).isLessThan(0.1);
        assertThat(burn.cpuSeconds()).isGreaterThan(10 * idle.cpuSeconds());
        assertThat(hog.peakMemoryMiB()).isGreaterThanOrEqualTo(48);
        assertThat(idle.peakMemoryMiB()).isLessThan(16);
        assertThat(idle.avgMemoryMiB()).isLessThan(16);
        assertThat(burn.memorySampledSeconds()).isGreaterThan(0);
        assertThat(runtime.usage("burn-main")).isEmpty();

        // what was read survives the agent: a new ledger over the same directory has it all
        assertThat(new UsageLedger(directory.resolve("usage")).taskUsage("burn")).contains(burn);
    }

    private ContainerLaunch launch(String containerId, int cpu, int memory, String... command)
    {
        return new ContainerLaunch(containerId, rootfs, List.of(command), List.of(), "/", "", "h",
                ResourceLimits.fromTaskSize(cpu, memory), directory.resolve("logs").resolve(containerId + ".log"));
    }
}
