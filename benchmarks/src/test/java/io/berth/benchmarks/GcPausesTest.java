package io.berth.benchmarks;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GcPausesTest
{
    @Test
    void sumsThePausesOfEitherCollectorAndLeavesTheConcurrentPhasesOut()
    {
        GcPauses g1 = GcPauses.parse(List.of(
                "[0.007s][info][gc] Using G1",
                "[0.488s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 15M->3M(64M) 14.383ms",
                "[1.100s][info][gc] GC(1) Pause Young (Concurrent Start) (G1 Humongous Allocation) 40M->30M(64M) 2.500ms",
                "[1.300s][info][gc] GC(2) Concurrent Mark Cycle 180.250ms",
                "[1.310s][info][gc] GC(2) Pause Remark 31M->31M(64M) 1.117ms",
                "[1.320s][info][gc] GC(2) Pause Cleanup 31M->31M(64M) 0.050ms",
                "[2.000s][info][gc] GC(3) Pause Full (System.gc()) 34M->2M(14M) 19.506ms"));

        assertThat(g1.collector()).isEqualTo("G1");
        assertThat(g1.count()).isEqualTo(5);
        assertThat(g1.total()).isEqualTo(Duration.ofNanos(37_556_000));
        assertThat(g1.longest()).isEqualTo(Duration.ofNanos(19_506_000));
        assertThat(g1.uptime()).isEqualTo(Duration.ofSeconds(2));
        assertThat(g1.describe()).isEqualTo("G1: 5 pauses, 0.0 s in all (1.9 % of 2 s), the longest 19 ms");

        GcPauses serial = GcPauses.parse(List.of(
                "[0.006s][info][gc] Using Serial",
                "[0.588s][info][gc] GC(0) Pause Young (Allocation Failure) 18M->4M(61M) 21.030ms",
                "[4.000s][info][gc] GC(1) Pause Full (Allocation Failure) 4000M->300M(4100M) 905.000ms"));
        assertThat(serial.describe()).isEqualTo("Serial: 2 pauses, 0.9 s in all (23.2 % of 4 s), the longest 905 ms");
    }

    @Test
    void aLogWithoutPausesSaysSo()
    {
        assertThat(GcPauses.parse(List.of()).describe()).isEqualTo("unknown collector: 0 pauses, 0.0 s in all (0.0 % of 0 s), the longest 0 ms");
    }
}
