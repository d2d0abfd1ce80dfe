package io.berth.common.patching;

import static java.util.Objects.requireNonNull;

/**
 * How a patch command went on a host, as its agent tells: state, the exit code once it ended (null before, and when
 * killed at its deadline), what it printed (stdout and stderr together, cut to a bounded size), and agentInstance, an
 * id the agent process draws at its start: a different one than when the command started means the agent restarted
 * (what `--reboot` waits for). UNKNOWN: this agent process has not run the patch (it never got it, or it restarted).
 */
public record PatchCommandStatus(String patchId, State state, Integer exitCode, String output, String agentInstance)
{
    public enum State
    {
        UNKNOWN, RUNNING, SUCCEEDED, FAILED, TIMED_OUT;

        public boolean ended()
        {
            return this == SUCCEEDED || this == FAILED || this == TIMED_OUT;
        }
    }

    public PatchCommandStatus
    {
        requireNonNull(patchId, "patchId is null");
        requireNonNull(state, "state is null");
        output = output == null ? "" : output;
        requireNonNull(agentInstance, "agentInstance is null");
    }
}
