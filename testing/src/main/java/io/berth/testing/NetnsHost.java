package io.berth.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One test host: a network namespace with its own address on a {@link TestNetwork}. Commands run in it through
 * {@link #command}, which enters only the network namespace (nsenter --net), so mounts and cgroups the command
 * makes are in the machine's own namespaces, where a restarted process (and the test's cleanup) finds them,
 * as on a real host. ({@code ip netns exec} would give each process a private mount namespace.)
 */
public record NetnsHost(String namespace, String address, String hostSideInterface)
{
    public NetnsHost
    {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(address, "address is null");
        requireNonNull(hostSideInterface, "hostSideInterface is null");
    }

    public Path namespacePath()
    {
        return Path.of("/run/netns", namespace);
    }

    /** command, run inside this host's network namespace. */
    public List<String> command(List<String> command)
    {
        List<String> wrapped = new ArrayList<>(List.of("nsenter", "--net=" + namespacePath()));
        wrapped.add("--");
        wrapped.addAll(command);
        return wrapped;
    }
}
