package io.berth.controlplane.metering;

import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tasks.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Bills from the metering records, after bringing the records of running tasks up to date with their tasks. */
public final class MeteringService
{
    private static final Logger log = LoggerFactory.getLogger(MeteringService.class);
    /** Far enough to stand for "no end" in SQL without overflowing epoch milliseconds. */
    private static final Instant NO_END = Instant.parse("9999-01-01T00:00:00Z");

    private final Store store;
    private final MeteringConfig config;
    private final BillCalculator calculator;
    private final Clock clock;

    public MeteringService(Store store, MeteringConfig config, RightSizingPolicy rightSizing, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.config = requireNonNull(config, "config is null");
        this.calculator = new BillCalculator(config, requireNonNull(rightSizing, "rightSizing is null"));
        this.clock = requireNonNull(clock, "clock is null");
    }

    public MeteringConfig config()
    {
        return config;
    }

    /**
     * The bill of one account (accountId) or of all (null) for the period, grouped as asked. Records of tasks
     * that stopped without a last report (a task stopped by the control plane itself) are closed first.
     */
    public Bill bill(String accountId, BillingPeriod period, BillGrouping grouping)
    {
        captureStops();
        Instant now = clock.instant();
        // a task that stopped before the period may still have seconds in it: the minimum runs past the stop
        Instant stoppedSince = period.since() == null ? Instant.EPOCH : period.since().minus(config.minimumBilledDuration()).minus(Duration.ofSeconds(1));
        Instant until = period.until() == null ? NO_END : period.until();
        List<MeteredTask> tasks = store.inTransaction(transaction -> transaction.taskUsage().billable(accountId, stoppedSince, until));
        return calculator.calculate(tasks, period, grouping, now);
    }

    /**
     * Copies the stop of every task whose record is still open from the task itself. Call before stopped tasks
     * are purged, so no record is left without an end.
     */
    public void captureStops()
    {
        store.useTransaction(transaction -> {
            for (MeteredTask open : transaction.taskUsage().running()) {
                Optional<Task> task = transaction.tasks().find(open.taskId());
                if (task.isPresent()) {
                    UsageRecorder.record(transaction, task.get(), null);
                }
                else {
                    closeVanished(transaction, open);
                }
            }
        });
    }

    /** A task that is gone from the store without a recorded stop: bill it to its last sign of life. */
    private static void closeVanished(StoreTransaction transaction, MeteredTask open)
    {
        Instant end = open.sampledAt() != null && open.sampledAt().isAfter(open.pullStartedAt()) ? open.sampledAt() : open.pullStartedAt();
        log.warn("Task {} vanished without a recorded stop; billing it until its last usage sample at {}", open.taskId(), end);
        transaction.taskUsage().upsert(new MeteredTask(open.taskId(), open.accountId(), open.clusterName(), open.taskArn(), open.family(), open.group(),
                open.cpu(), open.memory(), open.pullStartedAt(), end, open.cpuSeconds(), open.avgMemoryMiB(), open.memorySampledSeconds(),
                open.peakMemoryMiB(), open.sampledAt(), open.tags(), open.capacityProvider()));
    }
}
