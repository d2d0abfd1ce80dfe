package io.berth.agent.metering;

import io.berth.agent.runtime.ContainerUsage;
import io.berth.common.agentprotocol.TaskUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class UsageLedgerTest
{
    private static final long MIB = 1024 * 1024;
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    @TempDir
    Path directory;

    @Test
    void averagesMemoryOverTimeAndKeepsThePeak()
    {
        UsageLedger ledger = new UsageLedger(directory);
        ledger.record("task1-app", new ContainerUsage(1_000_000_000L, 100 * MIB, OptionalLong.empty()), T0);
        ledger.record("task1-app", new ContainerUsage(3_000_000_000L, 100 * MIB, OptionalLong.empty()), T0.plusSeconds(10));
        // 10 s at 100 MiB, then 10 s rising linearly to 300 MiB: (1000 + 2000) / 20 = 150 MiB on average
        ledger.record("task1-app", new ContainerUsage(5_500_000_000L, 300 * MIB, OptionalLong.of(350 * MIB)), T0.plusSeconds(20));

        TaskUsage usage = ledger.taskUsage("task1").orElseThrow();
        assertThat(usage.cpuSeconds()).isCloseTo(5.5, within(1e-9));
        assertThat(usage.avgMemoryMiB()).isCloseTo(150, within(1e-9));
        assertThat(usage.peakMemoryMiB()).isCloseTo(350, within(1e-9));
        assertThat(usage.memorySampledSeconds()).isCloseTo(20, within(1e-9));
        assertThat(usage.sampledAt()).isEqualTo(T0.plusSeconds(20));
    }

    @Test
    void sumsTheContainersOfATaskAndNoOtherTask()
    {
        UsageLedger ledger = new UsageLedger(directory);
        ledger.record("task1-web", new ContainerUsage(2_000_000_000L, 10 * MIB, OptionalLong.of(20 * MIB)), T0);
        ledger.record("task1-sidecar", new ContainerUsage(1_000_000_000L, 5 * MIB, OptionalLong.of(6 * MIB)), T0);
        ledger.record("task10-web", new ContainerUsage(9_000_000_000L, 500 * MIB, OptionalLong.empty()), T0);

        TaskUsage usage = ledger.taskUsage("task1").orElseThrow();
        assertThat(usage.cpuSeconds()).isCloseTo(3, within(1e-9));
        assertThat(usage.peakMemoryMiB()).isCloseTo(26, within(1e-9));
        // a single reading has no time span: the average is the reading itself
        assertThat(usage.avgMemoryMiB()).isCloseTo(15, within(1e-9));
        assertThat(ledger.taskUsage("task2")).isEmpty();
    }

    @Test
    void aNewLedgerOverTheSameDirectoryResumesAndCountersNeverGoBack()
    {
        UsageLedger before = new UsageLedger(directory);
        before.record("task1-app", new ContainerUsage(4_000_000_000L, 64 * MIB, OptionalLong.empty()), T0);
        before.record("task1-app", new ContainerUsage(6_000_000_000L, 64 * MIB, OptionalLong.empty()), T0.plusSeconds(5));
        before.flush();

        UsageLedger after = new UsageLedger(directory);
        assertThat(after.taskUsage("task1")).isEqualTo(before.taskUsage("task1"));

        // an older, lower reading (a late sample) changes nothing
        after.record("task1-app", new ContainerUsage(5_000_000_000L, 64 * MIB, OptionalLong.empty()), T0.plusSeconds(4));
        assertThat(after.taskUsage("task1").orElseThrow().cpuSeconds()).isCloseTo(6, within(1e-9));
    }

    @Test
    void readingsBetweenTheFirstAndTheLastAreWrittenAtMostEverySaveInterval()
    {
        UsageLedger ledger = new UsageLedger(directory);
        ledger.record("task1-app", new ContainerUsage(1_000_000_000L, 64 * MIB, OptionalLong.empty()), T0);
        ledger.record("task1-app", new ContainerUsage(2_000_000_000L, 64 * MIB, OptionalLong.empty()), T0.plusSeconds(5));
        assertThat(new UsageLedger(directory).taskUsage("task1").orElseThrow().cpuSeconds()).as("written: the first reading only").isCloseTo(1, within(1e-9));

        ledger.record("task1-app", new ContainerUsage(3_000_000_000L, 64 * MIB, OptionalLong.empty()), T0.plus(UsageLedger.SAVE_INTERVAL));
        assertThat(new UsageLedger(directory).taskUsage("task1").orElseThrow().cpuSeconds()).as("written once the interval passed").isCloseTo(3, within(1e-9));

        ledger.recordLast("task1-app", new ContainerUsage(4_000_000_000L, 64 * MIB, OptionalLong.empty()), T0.plus(UsageLedger.SAVE_INTERVAL).plusSeconds(1));
        assertThat(new UsageLedger(directory).taskUsage("task1").orElseThrow().cpuSeconds()).as("a container's last reading, at once").isCloseTo(4, within(1e-9));

        ledger.record("task1-app", new ContainerUsage(5_000_000_000L, 64 * MIB, OptionalLong.empty()), T0.plus(UsageLedger.SAVE_INTERVAL).plusSeconds(2));
        ledger.flush();
        assertThat(new UsageLedger(directory).taskUsage("task1")).as("flushed").isEqualTo(ledger.taskUsage("task1"));
    }

    @Test
    void retainOnlyKeepsTheHeldTasksAndTheRecentlyReadAndForgetsTheRestOnDiskToo()
    {
        UsageLedger ledger = new UsageLedger(directory);
        ledger.record("task1-app", new ContainerUsage(1, 1, OptionalLong.empty()), T0);
        ledger.record("task2-app", new ContainerUsage(1, 1, OptionalLong.empty()), T0);
        ledger.record("task2-sidecar", new ContainerUsage(1, 1, OptionalLong.empty()), T0);
        ledger.record("task20-app", new ContainerUsage(1, 1, OptionalLong.empty()), T0);
        ledger.record("task3-app", new ContainerUsage(1, 1, OptionalLong.empty()), T0.plusSeconds(120));

        ledger.retainOnly(List.of("task2"), T0.plusSeconds(60));

        assertThat(ledger.containerIds()).containsExactlyInAnyOrder("task2-app", "task2-sidecar", "task3-app");
        assertThat(new UsageLedger(directory).containerIds()).containsExactlyInAnyOrder("task2-app", "task2-sidecar", "task3-app");
    }
}
