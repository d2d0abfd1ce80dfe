package io.berth.agent.network;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Named network namespaces, made and removed with `ip netns` (it bind-mounts the namespace under
 * /run/netns so it outlives the process that made it, and the agent).
 */
final class NetworkNamespaces
{
    private static final Path DIRECTORY = Path.of("/run/netns");

    private final NetworkCommands commands;

    NetworkNamespaces(NetworkCommands commands)
    {
        this.commands = requireNonNull(commands, "commands is null");
    }

    Path path(String name)
    {
        return DIRECTORY.resolve(name);
    }

    boolean exists(String name)
    {
        return Files.exists(path(name));
    }

    void create(String name)
            throws NetworkException
    {
        commands.run("create the network namespace " + name, List.of(NetworkCommands.IP, "netns", "add", name));
    }

    /** Brings the namespace's loopback up, as the CNI loopback plugin would, with one `ip` instead of a plugin's start. */
    void loopbackUp(String name)
            throws NetworkException
    {
        commands.run("bring up the loopback of the network namespace " + name, List.of(NetworkCommands.IP, "-n", name, "link", "set", "dev", "lo", "up"));
    }

    /** Removes the namespace; one that is already gone is fine. */
    void delete(String name)
            throws NetworkException
    {
        if (exists(name)) {
            commands.run("delete the network namespace " + name, List.of(NetworkCommands.IP, "netns", "delete", name));
        }
    }
}
