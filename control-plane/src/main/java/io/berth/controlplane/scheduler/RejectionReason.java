package io.berth.controlplane.scheduler;

/**
 * Why a host cannot take a task, checked in this order (the first that applies is recorded). The codes follow
 * ECS's failure reasons where ECS has one.
 */
public enum RejectionReason
{
    LOST("LOST"),
    DRAINING("DRAINING"),
    CORDONED("CORDONED"),
    /** The host has no runtime for the task's isolation tier (e.g. no runsc for sandbox). */
    ISOLATION("ISOLATION"),
    MEMBER_OF("memberOf"),
    DISTINCT_INSTANCE("distinctInstance"),
    RESOURCE_MEMORY("RESOURCE:MEMORY"),
    RESOURCE_CPU("RESOURCE:CPU");

    private final String code;

    RejectionReason(String code)
    {
        this.code = code;
    }

    public String code()
    {
        return code;
    }
}
