package io.berth.controlplane.metering;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static io.berth.controlplane.metering.MeteredTasks.task;
import static io.berth.controlplane.metering.MeteredTasks.withUsage;
import static org.assertj.core.api.Assertions.assertThat;

class RightSizerTest
{
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private final RightSizer sizer = new RightSizer(RightSizingPolicy.DEFAULT, PriceList.FARGATE_US_EAST_1_LINUX_X86);

    @Test
    void namesTheCheapestSizeThatHoldsThePeakWithHeadroom()
    {
        // 1 vCPU / 4 GiB, using 5% of the CPU and at most 900 MiB: 0.0625 vCPU and 1125 MiB needed
        List<TaskCharge> charges = charges(
                withUsage(task("a", "111111111111", "api", 1024, 4096, T0, T0.plusSeconds(3600)), 180, 700, 3600, 900),
                withUsage(task("b", "111111111111", "api", 1024, 4096, T0.plusSeconds(3600), T0.plusSeconds(7200)), 180, 650, 3600, 850));

        List<Recommendation> recommendations = sizer.recommend(charges, T0.plusSeconds(7200));

        assertThat(recommendations).hasSize(1);
        Recommendation recommendation = recommendations.getFirst();
        assertThat(recommendation.family()).isEqualTo("api");
        assertThat(recommendation.recommendedCpu()).isEqualTo(256);
        assertThat(recommendation.recommendedMemory()).isEqualTo(2048);
        // (1 * 0.04048 + 4 * 0.004445) - (0.25 * 0.04048 + 2 * 0.004445) = 0.03925 per hour; * 730
        assertThat(recommendation.monthlySavingPerTask()).isEqualByComparingTo(new BigDecimal("28.6525"));
        // one task at a time on average
        assertThat(recommendation.monthlySavingAtCurrentUse()).isEqualByComparingTo(new BigDecimal("28.6525"));
    }

    @Test
    void leavesAloneFamiliesThatUseWhatTheyAskForOrWereBarelyWatched()
    {
        List<TaskCharge> charges = charges(
                withUsage(task("busy", "111111111111", "cruncher", 1024, 2048, T0, T0.plusSeconds(3600)), 2000, 500, 3600, 600),
                withUsage(task("full", "111111111111", "cache", 256, 2048, T0, T0.plusSeconds(3600)), 10, 1500, 3600, 1800),
                withUsage(task("brief", "111111111111", "blip", 4096, 8192, T0, T0.plusSeconds(60)), 0, 10, 60, 10),
                withUsage(task("small", "111111111111", "tiny", 256, 512, T0, T0.plusSeconds(3600)), 1, 10, 3600, 20));

        assertThat(sizer.recommend(charges, T0.plusSeconds(3600))).isEmpty();
    }

    private static List<TaskCharge> charges(MeteredTask... tasks)
    {
        return java.util.Arrays.stream(tasks)
                .map(task -> TaskCharge.of(task, BillingPeriod.ALL_TIME, T0.plusSeconds(7200), 60, PriceList.FARGATE_US_EAST_1_LINUX_X86))
                .toList();
    }
}
