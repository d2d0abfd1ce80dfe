package io.berth.controlplane.patching;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * One host of a patch run and how far it got. step: PENDING (its turn has not come), DRAINING (cordoned, its work
 * moving away), COMMAND (the operator's command runs through its agent), HEALTH_CHECK (waiting for a heartbeat after
 * the command), DONE (uncordoned) or FAILED (left cordoned for the operator, with message saying why). stepStartedAt is
 * when the step began; agentInstance the id of the agent process the command was started on (null until the agent
 * answered); exitCode and output what the command ended with (output bounded by the agent).
 */
public record PatchHost(String hostId, Step step, Instant stepStartedAt, String agentInstance, Integer exitCode, String output, String message)
{
    public enum Step
    {
        PENDING, DRAINING, COMMAND, HEALTH_CHECK, DONE, FAILED;

        /** Whether a host at this step is out of service because of the patch. */
        public boolean inFlight()
        {
            return this == DRAINING || this == COMMAND || this == HEALTH_CHECK;
        }
    }

    public PatchHost
    {
        requireNonNull(hostId, "hostId is null");
        requireNonNull(step, "step is null");
    }

    public static PatchHost pending(String hostId)
    {
        return new PatchHost(hostId, Step.PENDING, null, null, null, null, null);
    }

    /** The host at a new step from now on (what the command said is kept). */
    public PatchHost at(Step next, Instant now, String why)
    {
        return new PatchHost(hostId, next, now, agentInstance, exitCode, output, why);
    }

    public PatchHost withAgentInstance(String instance)
    {
        return new PatchHost(hostId, step, stepStartedAt, instance, exitCode, output, message);
    }

    public PatchHost withResult(Integer exit, String text)
    {
        return new PatchHost(hostId, step, stepStartedAt, agentInstance, exit, text, message);
    }
}
