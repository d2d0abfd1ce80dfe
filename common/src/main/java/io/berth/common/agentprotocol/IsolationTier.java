package io.berth.common.agentprotocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How far a task's containers are kept from the host kernel, weakest first: {@code container} runs them with
 * runc (namespaces, cgroups, capabilities, seccomp on the host kernel); {@code sandbox} runs them with gVisor's
 * runsc, a user-space kernel between the task and the host. A task runs at the stronger of its account's tier
 * and the one its task definition asks for, and only on a host that offers that tier.
 */
public enum IsolationTier
{
    CONTAINER,
    SANDBOX;

    /** The name operators and task definition tags use: "container" or "sandbox". */
    public String wireName()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The tier of a wire name (exact, lower case); empty for anything else. */
    public static Optional<IsolationTier> fromWireName(String name)
    {
        return Arrays.stream(values()).filter(tier -> tier.wireName().equals(name)).findFirst();
    }

    /** The wire names, for messages: "container, sandbox". */
    public static String wireNames()
    {
        return String.join(", ", Arrays.stream(values()).map(IsolationTier::wireName).toList());
    }

    /** The stronger of the two tiers. */
    public IsolationTier atLeast(IsolationTier other)
    {
        return other != null && other.ordinal() > ordinal() ? other : this;
    }
}
