package io.berth.agent.network;

import java.io.IOException;
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
    private static final String MOUNT = "/usr/bin/mount";

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

    /**
     * Gives the namespace another name: its bind mount is made again under the new name and the old name removed, so
     * the namespace itself (its links, addresses, routes) is the same. A warm namespace gets its task's name this way,
     * which operators and tools look for.
     */
    void rename(String from, String to)
            throws NetworkException
    {
        Path target = path(to);
        try {
            Files.createDirectories(DIRECTORY);
            if (!Files.exists(target)) {
                Files.createFile(target);
            }
        }
        catch (IOException e) {
            throw new NetworkException("cannot name the network namespace " + from + " " + to + ": " + e.getMessage(), e);
        }
        try {
            commands.run("name the network namespace " + from + " " + to, List.of(MOUNT, "--bind", path(from).toString(), target.toString()));
        }
        catch (NetworkException e) {
            try {
                Files.deleteIfExists(target);
            }
            catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        delete(from);
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
