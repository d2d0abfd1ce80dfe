package io.berth.agent.network;

import io.berth.agent.process.HostProcess;
import io.berth.agent.process.ProcessOutput;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The host commands of the task network (ip, bridge, nft), each run with a deadline through the agent's one
 * process runner. Failures become {@link NetworkException}s that say what was being done. A prefix (such as
 * `ip netns exec NAME`) runs every command in another network namespace: tests build a host's links and
 * firewall inside a namespace of their own that way.
 */
final class NetworkCommands
{
    static final String IP = "/usr/sbin/ip";
    static final String BRIDGE = "/usr/sbin/bridge";
    static final String NFT = "/usr/sbin/nft";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final List<String> NFT_FROM_STDIN = List.of(NFT, "-f", "-");

    private final List<String> prefix;
    private final Object nftablesLock = new Object();
    /** libnftables in this process, made at the first nft call (null until then); empty when it cannot serve. */
    private Optional<Nftables> nftables;

    /** Commands in this process's own network namespace. */
    NetworkCommands()
    {
        this(List.of());
    }

    NetworkCommands(List<String> prefix)
    {
        this.prefix = List.copyOf(prefix);
    }

    /** What every command is run through; empty in the agent's own namespace. */
    List<String> prefix()
    {
        return prefix;
    }

    /** Runs the command and returns its stdout; fails with the purpose and the command's message when it fails. */
    String run(String purpose, List<String> command)
            throws NetworkException
    {
        return run(purpose, command, null);
    }

    /** As {@link #run(String, List)}, with the text written to the command's stdin (nft -f -). */
    String run(String purpose, List<String> command, String stdin)
            throws NetworkException
    {
        ProcessOutput output = attempt(purpose, command, stdin);
        if (!output.succeeded()) {
            throw new NetworkException("cannot " + purpose + ": " + output.message());
        }
        return output.stdout().strip();
    }

    /**
     * Runs nft's commands (what `nft -f` reads) as one transaction and returns what they printed. In this process's
     * own network namespace (no prefix) libnftables runs them without a process ({@link Nftables}); under a prefix,
     * and when the library cannot serve, the nft command does.
     */
    String nft(String purpose, String commands)
            throws NetworkException
    {
        Optional<Nftables> library = nftables();
        if (library.isPresent() && library.get().usable()) {
            return library.get().run(purpose, commands, TIMEOUT);
        }
        return run(purpose, NFT_FROM_STDIN, commands);
    }

    /**
     * Runs nft's commands as one transaction inside another network namespace, the one kept at namespaceFile under
     * the name namespace. In this process's own namespace a context made inside that one for the call runs them
     * ({@link Nftables}, on a thread that ends with it); under a prefix, and when the library cannot serve, `ip netns
     * exec NAME nft` does: two processes, and a mount namespace that the kernel waits for an RCU grace period to free.
     */
    void nftInside(Path namespaceFile, String namespace, String purpose, String commands)
            throws NetworkException
    {
        if (prefix.isEmpty()) {
            Optional<Nftables> inside = Nftables.open(Optional.of(namespaceFile), TIMEOUT);
            if (inside.isPresent()) {
                try (Nftables library = inside.get()) {
                    library.run(purpose, commands, TIMEOUT);
                    return;
                }
            }
        }
        run(purpose, List.of(IP, "netns", "exec", namespace, NFT, "-f", "-"), commands);
    }

    private Optional<Nftables> nftables()
    {
        synchronized (nftablesLock) {
            if (nftables == null) {
                // a context lives as long as this process, so only the agent's own namespace gets one: a test's
                // namespaces come and go, and their commands keep the nft command
                nftables = prefix.isEmpty() ? Nftables.open(Optional.empty(), TIMEOUT) : Optional.empty();
            }
            return nftables;
        }
    }

    /** Runs the command and returns how it ended, failed or not; only a command that cannot run or hangs throws. */
    ProcessOutput attempt(String purpose, List<String> command, String stdin)
            throws NetworkException
    {
        try {
            List<String> full = new ArrayList<>(prefix);
            full.addAll(command);
            return HostProcess.run(full, null, stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8), TIMEOUT);
        }
        catch (UncheckedIOException e) {
            throw new NetworkException("cannot " + purpose + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether this process's network namespace has a link of that name. Asks `ip`, not /sys/class/net: a process
     * that entered its namespace with setns (nsenter --net, as an agent in a test host) still sees the sysfs of
     * the namespace it came from there.
     */
    boolean linkExists(String name)
            throws NetworkException
    {
        ProcessOutput output = attempt("look up the link " + name, List.of(IP, "-o", "link", "show", "dev", name), null);
        if (output.succeeded()) {
            return true;
        }
        if (output.message().contains("does not exist")) {
            return false;
        }
        throw new NetworkException("cannot look up the link " + name + ": " + output.message());
    }

    /** The link's MTU as `ip -o link show` prints it, or empty when it cannot be read. */
    OptionalInt linkMtu(String name)
            throws NetworkException
    {
        ProcessOutput output = attempt("read the MTU of " + name, List.of(IP, "-o", "link", "show", "dev", name), null);
        if (!output.succeeded()) {
            return OptionalInt.empty();
        }
        return wordAfter(output.stdout(), "mtu").map(value -> OptionalInt.of(Integer.parseInt(value))).orElse(OptionalInt.empty());
    }

    /** The word that follows the keyword in a line of `ip -o` output, e.g. "dev" in "... dev eth0 src ...". */
    static Optional<String> wordAfter(String line, String keyword)
    {
        String[] words = line.strip().split("\\s+");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals(keyword)) {
                return Optional.of(words[i + 1]);
            }
        }
        return Optional.empty();
    }
}
