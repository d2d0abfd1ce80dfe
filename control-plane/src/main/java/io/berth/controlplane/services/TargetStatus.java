package io.berth.controlplane.services;

/**
 * How a task of a load-balanced service stands in its target groups: HEALTHY when healthy in every one, UNHEALTHY
 * when it fails the health check of one (unhealthyTargetGroupArn names it), PENDING otherwise (not registered yet,
 * initial, or draining); NONE for a service without load balancers.
 */
public record TargetStatus(State state, String unhealthyTargetGroupArn)
{
    public static final TargetStatus NONE = new TargetStatus(State.NONE, null);
    public static final TargetStatus HEALTHY = new TargetStatus(State.HEALTHY, null);
    public static final TargetStatus PENDING = new TargetStatus(State.PENDING, null);

    public enum State { NONE, PENDING, HEALTHY, UNHEALTHY }

    public TargetStatus
    {
        java.util.Objects.requireNonNull(state, "state is null");
        if ((state == State.UNHEALTHY) != (unhealthyTargetGroupArn != null)) {
            throw new IllegalArgumentException("unhealthyTargetGroupArn goes with UNHEALTHY only");
        }
    }

    public static TargetStatus unhealthy(String targetGroupArn)
    {
        return new TargetStatus(State.UNHEALTHY, targetGroupArn);
    }
}
