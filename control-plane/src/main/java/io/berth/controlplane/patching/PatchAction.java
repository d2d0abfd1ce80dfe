package io.berth.controlplane.patching;

import io.berth.controlplane.events.EventType;

import static java.util.Objects.requireNonNull;

/** One thing the coordinator does for a planner's decision, in the order given. */
public sealed interface PatchAction
{
    String hostId();

    /** Drain the host (it gets no new tasks; its service tasks are replaced elsewhere, the others stopped at the run's deadline). */
    record Drain(String hostId)
            implements PatchAction
    {
        public Drain
        {
            requireNonNull(hostId, "hostId is null");
        }
    }

    /** Start the run's command on the host's agent (once per patch id: asking again only reads how it goes). */
    record StartCommand(String hostId)
            implements PatchAction
    {
        public StartCommand
        {
            requireNonNull(hostId, "hostId is null");
        }
    }

    /** Wake the host's agent so that it syncs (heartbeats) at once. */
    record Signal(String hostId)
            implements PatchAction
    {
        public Signal
        {
            requireNonNull(hostId, "hostId is null");
        }
    }

    /** Return the host to service. */
    record Uncordon(String hostId)
            implements PatchAction
    {
        public Uncordon
        {
            requireNonNull(hostId, "hostId is null");
        }
    }

    /** Record an event for `berth events`; hostId null for an event of the whole run. */
    record Event(EventType type, String hostId, String message)
            implements PatchAction
    {
        public Event
        {
            requireNonNull(type, "type is null");
            requireNonNull(message, "message is null");
        }
    }
}
