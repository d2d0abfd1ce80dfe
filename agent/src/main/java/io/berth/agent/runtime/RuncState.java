package io.berth.agent.runtime;

import static java.util.Objects.requireNonNull;

/** What `runc state` says of a container: creating, created, running, paused or stopped, and its init pid. */
record RuncState(String status, int pid)
{
    RuncState
    {
        requireNonNull(status, "status is null");
    }
}
