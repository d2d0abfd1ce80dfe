package io.berth.controlplane.metering;

import java.util.List;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * What one line of a bill sums: a task, a task family, a service, a cluster, or the value of one task tag
 * ({@code tag:KEY}; tasks without the tag share the line {@value #UNTAGGED}).
 */
public final class BillGrouping
{
    public static final String UNTAGGED = "(untagged)";
    private static final String TAG_PREFIX = "tag:";

    public static final BillGrouping TASK = new BillGrouping("task", MeteredTask::taskArn);
    public static final BillGrouping FAMILY = new BillGrouping("family", MeteredTask::family);
    public static final BillGrouping SERVICE = new BillGrouping("service", task -> task.serviceName() == null ? "(no service)" : task.serviceName());
    public static final BillGrouping CLUSTER = new BillGrouping("cluster", MeteredTask::clusterName);

    private static final List<BillGrouping> FIXED = List.of(TASK, FAMILY, SERVICE, CLUSTER);

    private final String wireName;
    private final Function<MeteredTask, String> key;

    private BillGrouping(String wireName, Function<MeteredTask, String> key)
    {
        this.wireName = requireNonNull(wireName, "wireName is null");
        this.key = requireNonNull(key, "key is null");
    }

    /** One line per value of the task tag tagKey. */
    public static BillGrouping tag(String tagKey)
    {
        if (tagKey == null || tagKey.isEmpty() || tagKey.length() > 128) {
            throw new IllegalArgumentException("tag:KEY needs a tag key of 1 to 128 characters");
        }
        return new BillGrouping(TAG_PREFIX + tagKey, task -> task.tags().getOrDefault(tagKey, UNTAGGED));
    }

    /** The groupings that take no key: task, family, service, cluster. */
    public static List<BillGrouping> values()
    {
        return FIXED;
    }

    public String keyOf(MeteredTask task)
    {
        return key.apply(task);
    }

    public String wireName()
    {
        return wireName;
    }

    /** From "task", "family", "service", "cluster" or "tag:KEY"; IllegalArgumentException for anything else. */
    public static BillGrouping fromWireName(String value)
    {
        for (BillGrouping grouping : FIXED) {
            if (grouping.wireName.equals(value)) {
                return grouping;
            }
        }
        if (value != null && value.startsWith(TAG_PREFIX)) {
            return tag(value.substring(TAG_PREFIX.length()));
        }
        throw new IllegalArgumentException("by must be task, family, service, cluster or tag:KEY, got '" + value + "'");
    }

    @Override
    public String toString()
    {
        return wireName;
    }
}
