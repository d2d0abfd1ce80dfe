package io.berth.cli.agent;

/**
 * How many times its real cpu and memory a host offers the scheduler. Each task's cgroup still caps its own cpu
 * and memory, so offering more than the machine has lets many mostly idle tasks share it (a developer's machine, a
 * test or benchmark placing more tasks than there are cores); at 1 the reservations hold as on Fargate.
 */
public record Overcommit(double cpu, double memory)
{
    /** A fleet's hosts: their real capacity. */
    public static final Overcommit NONE = new Overcommit(1, 1);
    /** The one machine of `berth up`: a developer's machine runs many mostly idle tasks. */
    public static final Overcommit ALL_IN_ONE = new Overcommit(8, 2);
    static final double MAX_FACTOR = 1000;

    public Overcommit
    {
        check("cpu", cpu);
        check("memory", memory);
    }

    private static void check(String resource, double factor)
    {
        if (!(factor > 0 && factor <= MAX_FACTOR)) {
            throw new IllegalArgumentException("the " + resource + " overcommit must be a factor above 0 and at most " + (int) MAX_FACTOR + ", e.g. 1 or 8; got " + factor);
        }
    }

    /** The cpu units to offer for a host that has these. */
    public int cpuUnits(int realCpuUnits)
    {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, Math.round(realCpuUnits * cpu)));
    }

    /** The memory in MiB to offer for a host that has this much. */
    public long memoryMiB(long realMemoryMiB)
    {
        return Math.max(1, Math.round(realMemoryMiB * memory));
    }
}
