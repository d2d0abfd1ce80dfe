package io.berth.agent.userns;

/**
 * Where task id ranges come from: count slots of slotSize ids each, the first at base. The default sits high
 * in the 32-bit id space (from 2^30), far from the ids of the host's own users, and ends below 2^31, which some
 * tools still read as a signed number; 16384 slots of 65536 ids (a whole 16-bit id space per task, so every
 * image's users map).
 */
public record IdRangePool(long base, long slotSize, int count)
{
    public static final long DEFAULT_BASE = 1L << 30;
    public static final long DEFAULT_SLOT_SIZE = 65536;
    public static final int DEFAULT_COUNT = 16384;
    public static final IdRangePool DEFAULT = new IdRangePool(DEFAULT_BASE, DEFAULT_SLOT_SIZE, DEFAULT_COUNT);
    /** Below this, ranges would collide with the host's own users and groups (and systemd's dynamic users). */
    public static final long MIN_BASE = 1L << 20;

    public IdRangePool
    {
        if (base < MIN_BASE) {
            throw new IllegalArgumentException("the user namespace pool must start at " + MIN_BASE + " or above, away from the host's own ids; got " + base);
        }
        if (slotSize < DEFAULT_SLOT_SIZE) {
            throw new IllegalArgumentException("each task needs at least " + DEFAULT_SLOT_SIZE + " ids (images use ids up to 65534); got " + slotSize);
        }
        if (count <= 0) {
            throw new IllegalArgumentException("the user namespace pool needs at least one range; got " + count);
        }
        if (base + slotSize * count - 1 > IdMapping.MAX_ID) {
            throw new IllegalArgumentException("the user namespace pool ends past " + IdMapping.MAX_ID + ": " + count + " ranges of " + slotSize + " from " + base);
        }
    }

    public IdMapping slot(int index)
    {
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("no range " + index + " in a pool of " + count);
        }
        return new IdMapping(base + slotSize * index, slotSize);
    }

    /** The slot a range of this pool is, or -1 when it is not one of this pool's (an agent restarted with another pool). */
    public int slotOf(IdMapping mapping)
    {
        long offset = mapping.hostId() - base;
        if (offset < 0 || offset % slotSize != 0 || mapping.size() != slotSize || offset / slotSize >= count) {
            return -1;
        }
        return (int) (offset / slotSize);
    }
}
