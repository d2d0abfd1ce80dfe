package io.berth.controlplane.metering;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.berth.controlplane.metering.MeteredTasks.inService;
import static io.berth.controlplane.metering.MeteredTasks.task;
import static io.berth.controlplane.metering.MeteredTasks.withUsage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BillCalculatorTest
{
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private final BillCalculator calculator = new BillCalculator(MeteringConfig.DEFAULTS, RightSizingPolicy.DEFAULT);

    @Test
    void linesAddUpExactlyToTheTotal()
    {
        Random random = new Random(42);
        List<MeteredTask> tasks = new ArrayList<>();
        int[][] sizes = {{256, 512}, {512, 3072}, {1024, 2048}, {4096, 30720}};
        for (int i = 0; i < 500; i++) {
            int[] size = sizes[random.nextInt(sizes.length)];
            Instant pull = T0.plusMillis(random.nextInt(10_000_000));
            tasks.add(task("t" + i, "111111111111", "family-" + random.nextInt(7), size[0], size[1], pull, pull.plusMillis(random.nextInt(5_000_000))));
        }

        for (BillGrouping grouping : BillGrouping.values()) {
            Bill bill = calculator.calculate(tasks, BillingPeriod.ALL_TIME, grouping, T0.plusSeconds(100_000));
            BigDecimal sumOfLines = bill.lines().stream().map(BillLine::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(sumOfLines).isEqualTo(bill.total().cost());
            assertThat(bill.lines().stream().mapToLong(BillLine::billedSeconds).sum()).isEqualTo(bill.total().billedSeconds());
            assertThat(bill.lines().stream().map(BillLine::vcpuSeconds).reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo(bill.total().vcpuSeconds());
        }
        assertThat(calculator.calculate(tasks, BillingPeriod.ALL_TIME, BillGrouping.TASK, T0).lines()).hasSize(500);
    }

    @Test
    void aSpotTaskPaysTheSpotFactorOfTheOnDemandPrice()
    {
        MeteredTask onDemand = task("on-demand", "111111111111", "web", 1024, 2048, T0, T0.plusSeconds(3600));
        MeteredTask spot = MeteredTasks.spot(task("spot", "111111111111", "web", 1024, 2048, T0, T0.plusSeconds(3600)));

        Bill bill = calculator.calculate(List.of(onDemand, spot), BillingPeriod.ALL_TIME, BillGrouping.TASK, T0.plusSeconds(3600));
        Bill half = new BillCalculator(MeteringConfig.DEFAULTS.withPrices(PriceList.FARGATE_US_EAST_1_LINUX_X86.withSpotFactor(new BigDecimal("0.5"))),
                RightSizingPolicy.DEFAULT).calculate(List.of(spot), BillingPeriod.ALL_TIME, BillGrouping.TASK, T0.plusSeconds(3600));

        // one hour of 1 vCPU and 2 GiB: 0.04048 + 2 x 0.004445 = 0.04937 on demand; 0.3 of it on spot
        assertThat(costOf(bill, "on-demand")).isEqualByComparingTo("0.04937");
        assertThat(costOf(bill, "spot")).isEqualByComparingTo("0.014811");
        assertThat(half.total().cost()).isEqualByComparingTo("0.024685");
        assertThat(bill.total().cost()).isEqualByComparingTo("0.064181");
    }

    @Test
    void aTaskCutByThePeriodPaysOnlyItsSecondsInsideAndTheMinimumOnce()
    {
        MeteredTask longTask = withUsage(task("long", "111111111111", "web", 1024, 2048, T0, T0.plusSeconds(7200)), 720, 100, 7200, 200);
        MeteredTask shortTask = task("short", "111111111111", "web", 1024, 2048, T0.plusSeconds(3590), T0.plusSeconds(3595));
        Instant cut = T0.plusSeconds(3600);

        Bill first = calculator.calculate(List.of(longTask, shortTask), new BillingPeriod(null, cut), BillGrouping.TASK, cut);
        Bill second = calculator.calculate(List.of(longTask, shortTask), new BillingPeriod(cut, null), BillGrouping.TASK, cut);
        Bill whole = calculator.calculate(List.of(longTask, shortTask), BillingPeriod.ALL_TIME, BillGrouping.TASK, cut);

        assertThat(secondsOf(first, "long")).isEqualTo(3600);
        assertThat(secondsOf(second, "long")).isEqualTo(3600);
        // 5 s run, billed 60: its seconds run from 3590 to 3650, ten before the cut and fifty after
        assertThat(secondsOf(first, "short")).isEqualTo(10);
        assertThat(secondsOf(second, "short")).isEqualTo(50);
        assertThat(secondsOf(whole, "short")).isEqualTo(60);
        assertThat(first.total().billedSeconds() + second.total().billedSeconds()).isEqualTo(whole.total().billedSeconds());
        // usage is per task: a period gets the share of its CPU seconds that matches its share of the billed time
        assertThat(first.lines().getFirst().usedCpuSeconds()).isCloseTo(360, within(1e-9));
    }

    @Test
    void groupsByFamilyServiceAndClusterPerAccount()
    {
        List<MeteredTask> tasks = List.of(
                inService(task("a", "111111111111", "web", 256, 512, T0, T0.plusSeconds(100)), "prod", "frontend"),
                inService(task("b", "111111111111", "web", 256, 512, T0, T0.plusSeconds(100)), "prod", "frontend"),
                task("c", "111111111111", "batch", 256, 512, T0, T0.plusSeconds(100)),
                task("d", "222222222222", "web", 256, 512, T0, T0.plusSeconds(100)));

        assertThat(calculator.calculate(tasks, BillingPeriod.ALL_TIME, BillGrouping.FAMILY, T0).lines())
                .extracting(BillLine::accountId, BillLine::key, BillLine::taskCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("111111111111", "web", 2),
                        org.assertj.core.groups.Tuple.tuple("111111111111", "batch", 1),
                        org.assertj.core.groups.Tuple.tuple("222222222222", "web", 1));
        assertThat(calculator.calculate(tasks, BillingPeriod.ALL_TIME, BillGrouping.SERVICE, T0).lines())
                .extracting(BillLine::key, BillLine::taskCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("frontend", 2),
                        org.assertj.core.groups.Tuple.tuple("(no service)", 1),
                        org.assertj.core.groups.Tuple.tuple("(no service)", 1));
        assertThat(calculator.calculate(tasks, BillingPeriod.ALL_TIME, BillGrouping.CLUSTER, T0).lines())
                .extracting(BillLine::key).containsExactly("prod", "default", "default");
    }

    @Test
    void groupsByTheValueOfATaskTagWithUntaggedTasksTogether()
    {
        List<MeteredTask> tasks = List.of(
                MeteredTasks.tagged(task("a", "111111111111", "web", 256, 512, T0, T0.plusSeconds(100)), Map.of("team", "red", "env", "prod")),
                MeteredTasks.tagged(task("b", "111111111111", "batch", 256, 512, T0, T0.plusSeconds(100)), Map.of("team", "red")),
                MeteredTasks.tagged(task("c", "111111111111", "web", 256, 512, T0, T0.plusSeconds(100)), Map.of("team", "blue")),
                task("d", "111111111111", "web", 256, 512, T0, T0.plusSeconds(100)));

        Bill bill = calculator.calculate(tasks, BillingPeriod.ALL_TIME, BillGrouping.fromWireName("tag:team"), T0);

        assertThat(bill.grouping().wireName()).isEqualTo("tag:team");
        assertThat(bill.lines()).extracting(BillLine::key, BillLine::taskCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("red", 2),
                        org.assertj.core.groups.Tuple.tuple("blue", 1),
                        org.assertj.core.groups.Tuple.tuple(BillGrouping.UNTAGGED, 1));
        assertThatThrownBy(() -> BillGrouping.fromWireName("tag:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BillGrouping.fromWireName("colour")).hasMessageContaining("tag:KEY");
    }

    @Test
    void utilisationComparesUseWithWhatWasPaidFor()
    {
        MeteredTask busy = withUsage(task("busy", "111111111111", "web", 512, 1024, T0, T0.plusSeconds(100)), 40, 512, 100, 600);
        MeteredTask idle = withUsage(task("idle", "111111111111", "web", 512, 1024, T0, T0.plusSeconds(100)), 0.5, 256, 100, 300);

        Bill bill = calculator.calculate(List.of(busy, idle), BillingPeriod.ALL_TIME, BillGrouping.TASK, T0);

        BillLine busyLine = bill.lines().get(0);
        BillLine idleLine = bill.lines().get(1);
        assertThat(busyLine.cost()).isEqualTo(idleLine.cost());
        assertThat(busyLine.cpuUtilisation()).isCloseTo(0.8, within(1e-9));
        assertThat(idleLine.cpuUtilisation()).isCloseTo(0.01, within(1e-9));
        assertThat(busyLine.memoryUtilisation()).isCloseTo(0.5, within(1e-9));
        assertThat(bill.total().peakMemoryMiB()).isEqualTo(600);
        assertThat(bill.total().avgMemoryMiB()).isCloseTo(384, within(1e-9));
        assertThat(bill.total().cpuUtilisation()).isCloseTo(0.405, within(1e-9));
    }

    private static long secondsOf(Bill bill, String taskId)
    {
        return bill.lines().stream().filter(line -> line.charges().getFirst().task().taskId().equals(taskId))
                .mapToLong(BillLine::billedSeconds).sum();
    }

    private static BigDecimal costOf(Bill bill, String taskId)
    {
        return bill.lines().stream().filter(line -> line.charges().getFirst().task().taskId().equals(taskId)).findFirst().orElseThrow().cost();
    }
}
