package io.berth.controlplane.scheduler;

/**
 * What a host may receive. Only ACTIVE hosts get new tasks. CORDONED and DRAINING are set by the operator
 * (draining also stops the host's tasks at a deadline); LOST means the host's agent stopped heartbeating.
 */
public enum HostState
{
    ACTIVE,
    CORDONED,
    DRAINING,
    LOST
}
