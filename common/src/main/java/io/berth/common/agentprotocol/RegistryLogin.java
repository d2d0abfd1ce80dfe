package io.berth.common.agentprotocol;

import static java.util.Objects.requireNonNull;

/**
 * A short-lived login to one registry (HOST:PORT), minted by the control plane for the account that owns a task:
 * the agent pulls that task's images from that registry with it and with nothing else, so a task reads only what
 * its account may read. The password never appears in logs or toString.
 */
public record RegistryLogin(String registry, String username, String password)
{
    public RegistryLogin
    {
        requireNonNull(registry, "registry is null");
        requireNonNull(username, "username is null");
        requireNonNull(password, "password is null");
    }

    @Override
    public String toString()
    {
        return "RegistryLogin[registry=" + registry + ", username=" + username + ", password=<hidden>]";
    }
}
