package io.berth.controlplane.metering;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class BillingMathTest
{
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final PriceList FARGATE = PriceList.FARGATE_US_EAST_1_LINUX_X86;

    @Test
    void runsAreRoundedUpToTheWholeSecondAndAtLeastTheMinimum()
    {
        assertThat(BillingMath.taskBilledSeconds(T0, T0.plusMillis(90_001), T0, 60)).isEqualTo(91);
        assertThat(BillingMath.taskBilledSeconds(T0, T0.plusMillis(90_000), T0, 60)).isEqualTo(90);
        assertThat(BillingMath.taskBilledSeconds(T0, T0.plusMillis(1), T0, 0)).isEqualTo(1);
        // a short task pays the minimum
        assertThat(BillingMath.taskBilledSeconds(T0, T0.plusSeconds(5), T0, 60)).isEqualTo(60);
        // a running task is billed to now
        assertThat(BillingMath.taskBilledSeconds(T0, null, T0.plusMillis(120_500), 60)).isEqualTo(121);
    }

    @Test
    void aPeriodBillsTheSecondsThatBeginInsideIt()
    {
        Instant pull = T0.plusMillis(300);
        // seconds begin at pull + 0 .. pull + 99
        assertThat(BillingMath.secondsInPeriod(pull, 100, null, null)).isEqualTo(100);
        assertThat(BillingMath.secondsInPeriod(pull, 100, T0.plusSeconds(10), null)).isEqualTo(90);
        assertThat(BillingMath.secondsInPeriod(pull, 100, null, T0.plusSeconds(10))).isEqualTo(10);
        assertThat(BillingMath.secondsInPeriod(pull, 100, T0.plusSeconds(200), null)).isZero();
        assertThat(BillingMath.secondsInPeriod(pull, 100, null, T0)).isZero();
        // adjacent periods split a task without losing or doubling a second, wherever they cut
        for (long cutMillis = 0; cutMillis < 101_000; cutMillis += 137) {
            Instant cut = T0.plusMillis(cutMillis);
            assertThat(BillingMath.secondsInPeriod(pull, 100, null, cut) + BillingMath.secondsInPeriod(pull, 100, cut, null)).isEqualTo(100);
        }
    }

    @Test
    void sizesAreExactDecimals()
    {
        assertThat(BillingMath.vcpu(256)).isEqualByComparingTo("0.25");
        assertThat(BillingMath.vcpu(16384)).isEqualByComparingTo("16");
        assertThat(BillingMath.memoryGiB(512)).isEqualByComparingTo("0.5");
        assertThat(BillingMath.memoryGiB(30720)).isEqualByComparingTo("30");
    }

    @Test
    void costIsExactOverMillionsOfSeconds()
    {
        // 1000 hours of 1 vCPU and 2 GiB: 1000 * (0.04048 + 2 * 0.004445) = 49.37 exactly
        assertThat(BillingMath.cost(3_600_000, BillingMath.vcpu(1024), BillingMath.memoryGiB(2048), FARGATE))
                .isEqualTo(new BigDecimal("49.3700000000"));
        // 0.25 vCPU, 0.5 GiB for 10 million seconds: 10^7 * 0.0123425 / 3600 = 34.2847222222(2...)
        assertThat(BillingMath.cost(10_000_000, BillingMath.vcpu(256), BillingMath.memoryGiB(512), FARGATE))
                .isEqualTo(new BigDecimal("34.2847222222"));
        // the same as doubles drifts: this is why money is BigDecimal
        double drifting = 0;
        for (int second = 0; second < 3_600_000; second++) {
            drifting += (0.04048 + 2 * 0.004445) / 3600;
        }
        assertThat(drifting).isNotEqualTo(49.37);
    }

    @Test
    void oneMinuteOfTheSmallestTask()
    {
        // 60 s * (0.25 * 0.04048 + 0.5 * 0.004445) / 3600 = 60 * 0.0123425 / 3600 = 0.000205708333...
        assertThat(BillingMath.cost(60, BillingMath.vcpu(256), BillingMath.memoryGiB(512), FARGATE)).isEqualTo(new BigDecimal("0.0002057083"));
    }
}
