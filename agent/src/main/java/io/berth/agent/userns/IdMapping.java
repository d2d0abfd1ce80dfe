package io.berth.agent.userns;

/**
 * One task's uid and gid range: container ids 0 to size - 1 are host ids hostId to hostId + size - 1, for users
 * and groups alike. Host root (0) is never inside a range, so container root holds no privilege on the host.
 */
public record IdMapping(long hostId, long size)
{
    /** The largest id the kernel accepts in a mapping: (uid_t) -1 means "no id". */
    public static final long MAX_ID = 0xFFFF_FFFEL;

    public IdMapping
    {
        if (hostId <= 0) {
            throw new IllegalArgumentException("a user namespace range must not include host root: hostId is " + hostId);
        }
        if (size <= 0) {
            throw new IllegalArgumentException("a user namespace range needs at least one id: size is " + size);
        }
        if (hostId + size - 1 > MAX_ID) {
            throw new IllegalArgumentException("a user namespace range ends past " + MAX_ID + ": " + hostId + " + " + size);
        }
    }

    /** The host id of an id inside the container. */
    public long toHost(long containerId)
    {
        if (containerId < 0 || containerId >= size) {
            throw new IllegalArgumentException("container id " + containerId + " is outside the range of " + size + " ids");
        }
        return hostId + containerId;
    }

    /** The line of /proc/PID/uid_map and gid_map: "inside outside count". */
    public String procMapLine()
    {
        return "0 " + hostId + " " + size + "\n";
    }

    public boolean overlaps(IdMapping other)
    {
        return hostId < other.hostId + other.size && other.hostId < hostId + size;
    }
}
