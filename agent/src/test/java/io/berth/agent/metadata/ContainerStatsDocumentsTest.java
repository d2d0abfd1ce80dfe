package io.berth.agent.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.agent.runtime.ContainerUsage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerStatsDocumentsTest
{
    private static final long MIB = 1024 * 1024;

    @Test
    void statsHaveDockersShapeWithThePreviousReadingInPrecpu()
    {
        StatsReading previous = new StatsReading(Instant.parse("2024-05-01T10:00:00Z"), new ContainerUsage(1_000_000_000L, 10 * MIB, OptionalLong.of(12 * MIB)), new HostCpuStat(80_000_000_000L, 4));
        StatsReading current = new StatsReading(Instant.parse("2024-05-01T10:00:01Z"), new ContainerUsage(1_250_000_000L, 11 * MIB, OptionalLong.of(20 * MIB)), new HostCpuStat(84_000_000_000L, 4));

        JsonNode stats = ContainerStatsDocuments.stats("task-app", "app", current, previous, 512 * MIB);

        assertThat(stats.get("read").asText()).isEqualTo("2024-05-01T10:00:01Z");
        assertThat(stats.get("preread").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(stats.get("cpu_stats").get("cpu_usage").get("total_usage").asLong()).isEqualTo(1_250_000_000L);
        assertThat(stats.get("cpu_stats").get("system_cpu_usage").asLong()).isEqualTo(84_000_000_000L);
        assertThat(stats.get("cpu_stats").get("online_cpus").asInt()).isEqualTo(4);
        assertThat(stats.get("precpu_stats").get("cpu_usage").get("total_usage").asLong()).isEqualTo(1_000_000_000L);
        assertThat(stats.get("precpu_stats").get("system_cpu_usage").asLong()).isEqualTo(80_000_000_000L);
        assertThat(stats.get("memory_stats").get("usage").asLong()).isEqualTo(11 * MIB);
        assertThat(stats.get("memory_stats").get("max_usage").asLong()).isEqualTo(20 * MIB);
        assertThat(stats.get("memory_stats").get("limit").asLong()).isEqualTo(512 * MIB);
        assertThat(stats.get("memory_stats").get("stats").isObject()).isTrue();
        assertThat(stats.get("name").asText()).isEqualTo("app");
        assertThat(stats.get("id").asText()).isEqualTo("task-app");
        // the share a tool computes: 0.25 s of CPU in 4 s of all 4 CPUs' time, times 4 CPUs = 25 %
        double share = (double) (1_250_000_000L - 1_000_000_000L) / (84_000_000_000L - 80_000_000_000L) * 4 * 100;
        assertThat(share).isEqualTo(25.0);
    }

    @Test
    void firstReadingHasZeroPrecpuAndNoPeakWhereTheKernelKeepsNone()
    {
        StatsReading current = new StatsReading(Instant.parse("2024-05-01T10:00:01Z"), new ContainerUsage(5, 7 * MIB, OptionalLong.empty()), new HostCpuStat(9, 2));

        JsonNode stats = ContainerStatsDocuments.stats("task-app", "app", current, null, 1024 * MIB);

        assertThat(stats.get("preread").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(stats.get("precpu_stats").get("cpu_usage").get("total_usage").asLong()).isZero();
        assertThat(stats.get("precpu_stats").get("system_cpu_usage").asLong()).isZero();
        assertThat(stats.get("memory_stats").has("max_usage")).isFalse();
        assertThat(stats.get("memory_stats").get("usage").asLong()).isEqualTo(7 * MIB);
    }

    @Test
    void hostCpuIsTheSumOfTheCpuLineInNanosecondsAndOnlineCpusAreCounted()
    {
        String procStat = """
                cpu  100 2 30 400 5 6 7 8 9 10
                cpu0 50 1 15 200 2 3 3 4 4 5
                cpu1 50 1 15 200 3 3 4 4 5 5
                intr 12345
                ctxt 999
                """;

        HostCpuStat stat = HostCpuStat.parse(procStat);

        assertThat(stat.systemCpuNanos()).isEqualTo((100 + 2 + 30 + 400 + 5 + 6 + 7 + 8) * 10_000_000L);
        assertThat(stat.onlineCpus()).isEqualTo(2);
        assertThat(HostCpuStat.read().onlineCpus()).isPositive();
    }
}
