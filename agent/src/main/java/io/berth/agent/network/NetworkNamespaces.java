package io.berth.agent.network;

import io.berth.agent.userns.LinuxSyscalls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Named network namespaces, kept as `ip netns` keeps them (bind-mounted under /run/netns, so each outlives the thread
 * that made it, and the agent), made and removed in this process (with `ip netns` under a command prefix).
 */
final class NetworkNamespaces
{
    private static final Path DIRECTORY = Path.of("/run/netns");
    private static boolean directoryShared;

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

    /**
     * Makes the namespace with its loopback up. In this process's own namespace it takes no process ({@link
     * LinuxSyscalls#makeNetworkNamespace}): two fewer on every task start that finds no warm namespace, each an
     * exec of `ip` and of the JDK's spawn helper, which on this project's VMs cost more than the namespace. Under a
     * prefix (a test's host namespace) `ip` does it there.
     */
    void create(String name)
            throws NetworkException
    {
        if (commands.prefix().isEmpty()) {
            try {
                shareDirectory();
                LinuxSyscalls.makeNetworkNamespace(path(name));
            }
            catch (IOException e) {
                throw new NetworkException("cannot create the network namespace " + name + ": " + e.getMessage(), e);
            }
            return;
        }
        commands.run("create the network namespace " + name, List.of(NetworkCommands.IP, "netns", "add", name));
        commands.run("bring up the loopback of the network namespace " + name, List.of(NetworkCommands.IP, "-n", name, "link", "set", "dev", "lo", "up"));
    }

    /** /run/netns as `ip netns` leaves it, a shared mount: once per process, as later namespaces find it so. */
    private static void shareDirectory()
            throws IOException
    {
        synchronized (NetworkNamespaces.class) {
            if (!directoryShared) {
                LinuxSyscalls.shareNamespaceDirectory(DIRECTORY);
                directoryShared = true;
            }
        }
    }

    /**
     * Gives the namespace a second name, a symbolic link beside its bind mount: a file operation, no process on a
     * task's start path. Whatever opens the name (runc, nsenter, `ip netns exec`) reaches the same namespace. A warm
     * namespace is known by its task's name this way, which operators and tools look for; an alias already there
     * for the same namespace is fine.
     */
    void alias(String alias, String namespace)
            throws NetworkException
    {
        Path link = path(alias);
        Path target = Path.of(namespace);
        try {
            Files.createDirectories(DIRECTORY);
            if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) {
                return;
            }
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, target);
        }
        catch (IOException e) {
            throw new NetworkException("cannot name the network namespace " + namespace + " " + alias + ": " + e.getMessage(), e);
        }
    }

    /** Whether the name is an alias ({@link #alias}) that leads to the namespace's bind mount. */
    boolean aliases(String alias, String namespace)
    {
        try {
            return Files.isSymbolicLink(path(alias)) && Files.readSymbolicLink(path(alias)).equals(Path.of(namespace));
        }
        catch (IOException e) {
            return false;
        }
    }

    /**
     * Removes an alias; one that is gone is fine. Never `ip netns delete` on an alias: it unmounts what the link leads
     * to before it removes the link.
     */
    void removeAlias(String alias)
            throws NetworkException
    {
        Path link = path(alias);
        try {
            if (Files.isSymbolicLink(link)) {
                Files.delete(link);
            }
        }
        catch (IOException e) {
            throw new NetworkException("cannot remove the name " + alias + " of a network namespace: " + e.getMessage(), e);
        }
    }

    /**
     * Removes the namespace; one that is already gone is fine. By an alias ({@link #alias}), both go: the alias first,
     * then the namespace it leads to (a task's namespace made warm is removed by its task's name too).
     */
    void delete(String name)
            throws NetworkException
    {
        Path link = path(name);
        if (Files.isSymbolicLink(link)) {
            String target;
            try {
                target = Files.readSymbolicLink(link).getFileName().toString();
            }
            catch (IOException e) {
                throw new NetworkException("cannot read the name " + name + " of a network namespace: " + e.getMessage(), e);
            }
            removeAlias(name);
            delete(target);
            return;
        }
        if (!exists(name)) {
            return;
        }
        if (!commands.prefix().isEmpty()) {
            commands.run("delete the network namespace " + name, List.of(NetworkCommands.IP, "netns", "delete", name));
            return;
        }
        try {
            // as `ip netns delete` does, without its process: the bind mount detached (a file that is no mount point,
            // left by a make cut short, is fine), then the file; the kernel frees the namespace once nothing holds it
            LinuxSyscalls.removeNetworkNamespace(path(name));
        }
        catch (IOException e) {
            throw new NetworkException("cannot delete the network namespace " + name + ": " + e.getMessage(), e);
        }
    }
}
