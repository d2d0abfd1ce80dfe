package io.berth.agent.runtime;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** A container user as numbers, the way the kernel needs it, and the home directory for HOME. */
record ResolvedUser(int uid, int gid, List<Integer> additionalGids, String home)
{
    ResolvedUser
    {
        additionalGids = List.copyOf(additionalGids);
        requireNonNull(home, "home is null");
    }
}
