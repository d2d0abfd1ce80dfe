package io.berth.agent.runtime;

import java.util.OptionalLong;

/**
 * Whether a container ended because the OOM killer killed it. The cgroup's counter says that the killer struck
 * somewhere in the container, not whom: when it kills a child (a worker, a shell's pipeline) the main process
 * may carry on and exit normally, and then the container was not killed for memory. So the container's own
 * exit must be a SIGKILL death too (128 + 9, as conmon records a signal; an init such as tini exits the same way
 * when its child was killed).
 */
final class OomVerdict
{
    static final int KILLED_BY_SIGKILL = 128 + 9;

    private OomVerdict() {}

    /**
     * @param oomKills the cgroup's oom_kill count; empty on kernels before 4.13, where a hit of the memory
     * limit is the best sign left
     */
    static boolean containerKilled(int exitCode, OptionalLong oomKills, OptionalLong memoryLimitHits)
    {
        if (exitCode != KILLED_BY_SIGKILL) {
            return false;
        }
        if (oomKills.isPresent()) {
            return oomKills.getAsLong() > 0;
        }
        return memoryLimitHits.orElse(0) > 0;
    }
}
