package io.berth.agent.userns;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * Which task holds which id range of the pool on this host. The truth is in the task records: a range is taken
 * from the moment it is recorded in a task's record until that task's containers and files are gone, so after a
 * restart the agent marks the ranges of every task not yet cleaned up as taken ({@link #markTaken}) before it
 * hands out any. Ranges are handed out next-fit (the search goes on from the last one given), so a range just
 * released is the last to be given again.
 */
public final class IdRanges
{
    private final IdRangePool pool;
    private final Map<String, IdMapping> taken = new HashMap<>();
    private int cursor;

    public IdRanges(IdRangePool pool)
    {
        this.pool = requireNonNull(pool, "pool is null");
    }

    public IdRangePool pool()
    {
        return pool;
    }

    /** The task's range: the one it holds, or a free one now held by it. */
    public synchronized IdMapping allocate(String taskId)
            throws IdRangesExhaustedException
    {
        requireNonNull(taskId, "taskId is null");
        IdMapping held = taken.get(taskId);
        if (held != null) {
            return held;
        }
        OptionalInt index = nextFreeSlot();
        if (index.isEmpty()) {
            throw new IdRangesExhaustedException("no free user namespace range: all " + pool.count()
                    + " ranges of this host's pool are held by tasks not yet cleaned up; give the agent a larger pool (--userns-ranges)");
        }
        IdMapping candidate = pool.slot(index.getAsInt());
        taken.put(taskId, candidate);
        cursor = (index.getAsInt() + 1) % pool.count();
        return candidate;
    }

    /** The range {@link #allocate} would hand out now, without taking it; empty when none is free. */
    public synchronized Optional<IdMapping> next()
    {
        OptionalInt index = nextFreeSlot();
        return index.isEmpty() ? Optional.empty() : Optional.of(pool.slot(index.getAsInt()));
    }

    /** The first slot from the cursor on (next-fit) that overlaps no range held; the caller holds this. */
    private OptionalInt nextFreeSlot()
    {
        for (int step = 0; step < pool.count(); step++) {
            int index = (cursor + step) % pool.count();
            IdMapping candidate = pool.slot(index);
            if (taken.values().stream().noneMatch(candidate::overlaps)) {
                return OptionalInt.of(index);
            }
        }
        return OptionalInt.empty();
    }

    /**
     * Records a range a task already holds (read from its record after a restart). It may lie outside the current
     * pool, when the agent was restarted with another one: it still keeps overlapping ranges from being handed out.
     */
    public synchronized void markTaken(String taskId, IdMapping mapping)
    {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(mapping, "mapping is null");
        taken.put(taskId, mapping);
    }

    /** Frees the task's range; call it only once nothing of the task (process or file) is left on the host. */
    public synchronized void release(String taskId)
    {
        taken.remove(taskId);
    }

    public synchronized Optional<IdMapping> heldBy(String taskId)
    {
        return Optional.ofNullable(taken.get(taskId));
    }

    public synchronized Map<String, IdMapping> held()
    {
        return Map.copyOf(taken);
    }
}
