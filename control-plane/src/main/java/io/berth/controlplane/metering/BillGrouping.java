package io.berth.controlplane.metering;

import java.util.Locale;
import java.util.function.Function;

/** What one line of a bill sums: a task, a task family, a service, or a cluster. */
public enum BillGrouping
{
    TASK(MeteredTask::taskArn),
    FAMILY(MeteredTask::family),
    SERVICE(task -> task.serviceName() == null ? "(no service)" : task.serviceName()),
    CLUSTER(MeteredTask::clusterName);

    private final Function<MeteredTask, String> key;

    BillGrouping(Function<MeteredTask, String> key)
    {
        this.key = key;
    }

    public String keyOf(MeteredTask task)
    {
        return key.apply(task);
    }

    public String wireName()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** From "task", "family", "service" or "cluster"; IllegalArgumentException for anything else. */
    public static BillGrouping fromWireName(String value)
    {
        for (BillGrouping grouping : values()) {
            if (grouping.wireName().equals(value)) {
                return grouping;
            }
        }
        throw new IllegalArgumentException("by must be task, family, service or cluster, got '" + value + "'");
    }
}
