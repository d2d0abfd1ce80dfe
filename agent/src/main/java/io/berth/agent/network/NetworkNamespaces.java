package io.berth.agent.network;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Named network namespaces, made and removed with `ip netns` (it bind-mounts the namespace under
 * /run/netns so it outlives the process that made it, and the agent).
 */
final class NetworkNamespaces
{
    private static final Path DIRECTORY = Path.of("/run/netns");
    private static final Path IP = Path.of("/usr/sbin/ip");

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
        run(List.of(IP.toString(), "netns", "add", name), "create the network namespace " + name);
    }

    /** Removes the namespace; one that is already gone is fine. */
    void delete(String name)
            throws NetworkException
    {
        if (exists(name)) {
            run(List.of(IP.toString(), "netns", "delete", name), "delete the network namespace " + name);
        }
    }

    /**
     * Whether this process's network namespace has a link of that name. Asks `ip`, not /sys/class/net: a process
     * that entered its namespace with setns (nsenter --net, as an agent in a test host) still sees the sysfs of
     * the namespace it came from there.
     */
    static boolean linkExists(String name)
            throws NetworkException
    {
        try {
            Process process = new ProcessBuilder(IP.toString(), "-o", "link", "show", "dev", name)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.waitFor() == 0) {
                return true;
            }
            if (output.contains("does not exist")) {
                return false;
            }
            throw new NetworkException("cannot look up the link " + name + ": " + output);
        }
        catch (IOException e) {
            throw new NetworkException("cannot look up the link " + name + ": " + e.getMessage(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkException("interrupted while looking up the link " + name, e);
        }
    }

    static void run(List<String> command, String purpose)
            throws NetworkException
    {
        output(command, purpose);
    }

    /** Runs the command and returns what it printed; fails with the purpose and the output when it fails. */
    static String output(List<String> command, String purpose)
            throws NetworkException
    {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.waitFor() != 0) {
                throw new NetworkException("cannot " + purpose + ": " + output);
            }
            return output;
        }
        catch (IOException e) {
            throw new NetworkException("cannot " + purpose + ": " + e.getMessage(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkException("interrupted while trying to " + purpose, e);
        }
    }
}
