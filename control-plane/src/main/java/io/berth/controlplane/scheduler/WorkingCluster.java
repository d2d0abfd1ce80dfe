package io.berth.controlplane.scheduler;

import io.berth.common.agentprotocol.IsolationTier;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cluster while one plan is made: free capacity and group counts that shrink and grow as the plan places
 * tasks, plus indexes built on first use. Free-capacity indexes hold ACTIVE hosts ordered by free cpu or memory
 * (a long key: free units in the high bits, host index in the low bits), so binpack finds the fullest host that
 * fits with one ordered walk instead of a scan of every host. Not thread-safe; lives for one plan.
 */
final class WorkingCluster
{
    static final int HOST_BITS = 20;
    static final int MAX_HOSTS = 1 << HOST_BITS;
    private static final long HOST_MASK = MAX_HOSTS - 1;

    /** What an index orders hosts by: free cpu, free memory, or the number of tasks on the host (for spread). */
    enum Resource
    {
        CPU, MEMORY, TASKS
    }

    final int size;
    final String[] hostIds;
    final HostState[] states;
    final List<Map<String, String>> attributes;
    final List<Set<IsolationTier>> isolationTiers;
    final long[] freeCpu;
    final long[] freeMemory;
    final long[] tasks;
    private final int smallestCpu;
    private final long smallestMemory;

    private final Map<String, Map<Integer, Integer>> snapshotGroupCounts = new HashMap<>();
    private final Map<String, int[]> groupCounts = new HashMap<>();
    private final Map<String, String[]> attributeValues = new HashMap<>();
    private final Map<String, List<String>> activeAttributeValues = new HashMap<>();
    // group -> attribute -> value -> tasks of the group on hosts with that value
    private final Map<String, Map<String, Map<String, Integer>>> valueCounts = new HashMap<>();
    private final EnumMap<Resource, TreeSet<Long>> clusterIndexes = new EnumMap<>(Resource.class);
    // attribute -> value -> resource -> index of the ACTIVE hosts with that value
    private final Map<String, Map<String, EnumMap<Resource, TreeSet<Long>>>> partitionIndexes = new HashMap<>();

    /**
     * smallestCpu and smallestMemory are the least any request of the plan asks for: hosts with less free are left
     * out of the indexes, so a full host is never walked over again.
     */
    WorkingCluster(ClusterSnapshot snapshot, int smallestCpu, long smallestMemory)
    {
        this.smallestCpu = smallestCpu;
        this.smallestMemory = smallestMemory;
        List<SnapshotHost> hosts = snapshot.hosts();
        if (hosts.size() > MAX_HOSTS) {
            throw new IllegalArgumentException("At most " + MAX_HOSTS + " hosts can be scheduled at once, got " + hosts.size());
        }
        size = hosts.size();
        hostIds = new String[size];
        states = new HostState[size];
        attributes = new ArrayList<>(size);
        isolationTiers = new ArrayList<>(size);
        freeCpu = new long[size];
        freeMemory = new long[size];
        tasks = new long[size];
        for (int host = 0; host < size; host++) {
            SnapshotHost snapshotHost = hosts.get(host);
            hostIds[host] = snapshotHost.hostId();
            states[host] = snapshotHost.state();
            attributes.add(snapshotHost.attributes());
            isolationTiers.add(snapshotHost.isolationTiers());
            freeCpu[host] = snapshotHost.cpuFree();
            freeMemory[host] = snapshotHost.memoryFree();
            for (Map.Entry<String, Integer> entry : snapshotHost.tasksByGroup().entrySet()) {
                snapshotGroupCounts.computeIfAbsent(entry.getKey(), ignored -> new HashMap<>()).put(host, entry.getValue());
                tasks[host] += entry.getValue();
            }
        }
    }

    /** Tasks of group on each host (index = host index). */
    int[] groupCounts(String group)
    {
        return groupCounts.computeIfAbsent(group, key -> {
            int[] counts = new int[size];
            snapshotGroupCounts.getOrDefault(key, Map.of()).forEach((host, count) -> counts[host] = count);
            return counts;
        });
    }

    /** Each host's value of the attribute; "" for hosts without it (they form a group of their own). */
    String[] attributeValues(String attribute)
    {
        return attributeValues.computeIfAbsent(attribute, key -> {
            String[] values = new String[size];
            for (int host = 0; host < size; host++) {
                values[host] = attributes.get(host).getOrDefault(key, "");
            }
            return values;
        });
    }

    /** The distinct values of the attribute among ACTIVE hosts, sorted. */
    List<String> activeValues(String attribute)
    {
        return activeAttributeValues.computeIfAbsent(attribute, key -> {
            String[] values = attributeValues(key);
            TreeSet<String> distinct = new TreeSet<>();
            for (int host = 0; host < size; host++) {
                if (states[host] == HostState.ACTIVE) {
                    distinct.add(values[host]);
                }
            }
            return List.copyOf(distinct);
        });
    }

    /** Tasks of group per value of attribute. */
    Map<String, Integer> valueCounts(String group, String attribute)
    {
        return valueCounts.computeIfAbsent(group, ignored -> new HashMap<>()).computeIfAbsent(attribute, key -> {
            int[] counts = groupCounts(group);
            String[] values = attributeValues(key);
            Map<String, Integer> byValue = new HashMap<>();
            for (int host = 0; host < size; host++) {
                if (counts[host] != 0) {
                    byValue.merge(values[host], counts[host], Integer::sum);
                }
            }
            return byValue;
        });
    }

    NavigableSet<Long> clusterIndex(Resource resource)
    {
        return clusterIndexes.computeIfAbsent(resource, key -> {
            TreeSet<Long> index = new TreeSet<>();
            for (int host = 0; host < size; host++) {
                addToIndex(index, key, host);
            }
            return index;
        });
    }

    NavigableSet<Long> partitionIndex(String attribute, String value, Resource resource)
    {
        return partitionIndexes.computeIfAbsent(attribute, ignored -> new HashMap<>())
                .computeIfAbsent(value, ignored -> new EnumMap<>(Resource.class))
                .computeIfAbsent(resource, key -> {
                    String[] values = attributeValues(attribute);
                    TreeSet<Long> index = new TreeSet<>();
                    for (int host = 0; host < size; host++) {
                        if (values[host].equals(value)) {
                            addToIndex(index, key, host);
                        }
                    }
                    return index;
                });
    }

    static long indexKey(long free, int host)
    {
        return (free << HOST_BITS) | host;
    }

    static long freeOf(long key)
    {
        return key >>> HOST_BITS;
    }

    static int hostOf(long key)
    {
        return (int) (key & HOST_MASK);
    }

    long free(Resource resource, int host)
    {
        return switch (resource) {
            case CPU -> freeCpu[host];
            case MEMORY -> freeMemory[host];
            case TASKS -> tasks[host];
        };
    }

    /** Takes a task's resources off the host and counts it in its group, keeping every index in step. */
    void place(int host, PlacementRequest request)
    {
        for (Resource resource : Resource.values()) {
            forEachIndexOf(host, resource, index -> index.remove(indexKey(free(resource, host), host)));
        }
        freeCpu[host] -= request.cpu();
        freeMemory[host] -= request.memory();
        tasks[host]++;
        for (Resource resource : Resource.values()) {
            forEachIndexOf(host, resource, index -> addToIndex(index, resource, host));
        }
        groupCounts(request.group())[host]++;
        Map<String, Map<String, Integer>> byAttribute = valueCounts.get(request.group());
        if (byAttribute != null) {
            byAttribute.forEach((attribute, counts) -> counts.merge(attributeValues(attribute)[host], 1, Integer::sum));
        }
    }

    private void forEachIndexOf(int host, Resource resource, java.util.function.Consumer<TreeSet<Long>> action)
    {
        TreeSet<Long> cluster = clusterIndexes.get(resource);
        if (cluster != null) {
            action.accept(cluster);
        }
        partitionIndexes.forEach((attribute, byValue) -> {
            EnumMap<Resource, TreeSet<Long>> indexes = byValue.get(attributeValues(attribute)[host]);
            if (indexes != null && indexes.get(resource) != null) {
                action.accept(indexes.get(resource));
            }
        });
    }

    private void addToIndex(TreeSet<Long> index, Resource resource, int host)
    {
        // hosts that are not ACTIVE, or too full for the smallest request of the plan, can take nothing
        if (states[host] == HostState.ACTIVE && freeCpu[host] >= smallestCpu && freeMemory[host] >= smallestMemory) {
            index.add(indexKey(free(resource, host), host));
        }
    }
}
