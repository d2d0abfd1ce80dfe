package io.berth.agent.userns;

import io.berth.agent.process.ProcessStarts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Makes user namespaces with a given id mapping and hands out a descriptor of each. A JVM cannot safely fork
 * into a new user namespace itself, so a short-lived helper process does it ({@code unshare --user cat}: a new
 * user namespace, then waiting on its standard input); the agent, root on the host, writes the helper's uid_map
 * and gid_map, opens /proc/PID/ns/user and lets the helper go. The descriptor alone keeps the namespace alive.
 * The helper has a deadline, is killed on every path, and exits by itself if the agent dies (its stdin closes).
 */
public final class UserNamespaces
{
    public static final List<String> DEFAULT_HELPER = List.of("/usr/bin/unshare", "--user", "--", "/bin/cat");
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
    private static final Path OWN_USER_NAMESPACE = Path.of("/proc/self/ns/user");

    private final List<String> helperCommand;
    private final Duration deadline;
    /** The namespace made ahead of need, or null; guarded by this. */
    private UserNamespaceFile ahead;

    public UserNamespaces()
    {
        this(DEFAULT_HELPER, DEFAULT_DEADLINE);
    }

    /**
     * @param helperCommand a command that enters a new user namespace and then blocks until its standard input
     * closes
     */
    public UserNamespaces(List<String> helperCommand, Duration deadline)
    {
        this.helperCommand = List.copyOf(helperCommand);
        if (this.helperCommand.isEmpty()) {
            throw new IllegalArgumentException("the user namespace helper command is empty");
        }
        this.deadline = requireNonNull(deadline, "deadline is null");
    }

    /**
     * A user namespace with mapping: the one made ahead for it ({@link #makeAhead}) when there is one, which costs no
     * process, else a new one. The caller closes it.
     */
    public UserNamespaceFile open(IdMapping mapping)
            throws IOException
    {
        requireNonNull(mapping, "mapping is null");
        synchronized (this) {
            if (ahead != null && ahead.mapping().equals(mapping)) {
                UserNamespaceFile taken = ahead;
                ahead = null;
                return taken;
            }
        }
        return make(mapping);
    }

    /**
     * Makes a user namespace with mapping now, for the next {@link #open} with the same mapping (the id range a task
     * will be given next): the helper process then runs beside no start. One is kept; it replaces, and closes, the
     * one made ahead before unless that has the same mapping.
     */
    public void makeAhead(IdMapping mapping)
            throws IOException
    {
        requireNonNull(mapping, "mapping is null");
        synchronized (this) {
            if (ahead != null && ahead.mapping().equals(mapping)) {
                return;
            }
        }
        UserNamespaceFile made = make(mapping);
        UserNamespaceFile replaced;
        synchronized (this) {
            replaced = ahead;
            ahead = made;
        }
        if (replaced != null) {
            replaced.close();
        }
    }

    private UserNamespaceFile make(IdMapping mapping)
            throws IOException
    {
        Process helper;
        try {
            helper = ProcessStarts.start(new ProcessBuilder(helperCommand).redirectErrorStream(true));
        }
        catch (IOException e) {
            throw new IOException("cannot start the user namespace helper (" + helperCommand.getFirst() + "): " + e.getMessage(), e);
        }
        try {
            Path process = Path.of("/proc", Long.toString(helper.pid()));
            awaitOwnUserNamespace(helper, process);
            // the kernel accepts each map once, from a process with CAP_SETUID/CAP_SETGID over the parent namespace
            Files.writeString(process.resolve("uid_map"), mapping.procMapLine());
            Files.writeString(process.resolve("gid_map"), mapping.procMapLine());
            return new UserNamespaceFile(LinuxSyscalls.openReadOnly(process.resolve("ns/user")), mapping);
        }
        finally {
            release(helper);
        }
    }

    private void awaitOwnUserNamespace(Process helper, Path process)
            throws IOException
    {
        String ours = Files.readSymbolicLink(OWN_USER_NAMESPACE).toString();
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            if (!helper.isAlive()) {
                throw new IOException("the user namespace helper (" + String.join(" ", helperCommand) + ") exited with " + helper.exitValue()
                        + " before making a user namespace: " + output(helper));
            }
            try {
                // the helper is our child and not yet waited for, so its pid cannot be another process's
                if (!Files.readSymbolicLink(process.resolve("ns/user")).toString().equals(ours)) {
                    return;
                }
            }
            catch (IOException e) {
                // the helper is between fork and exec, or just exited: look again
            }
            if (System.nanoTime() > end) {
                throw new IOException("the user namespace helper (" + String.join(" ", helperCommand) + ") made no user namespace within "
                        + deadline.toMillis() + " ms");
            }
            try {
                Thread.sleep(1);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while making a user namespace", e);
            }
        }
    }

    private static void release(Process helper)
    {
        try {
            helper.getOutputStream().close();
        }
        catch (IOException e) {
            // it is killed next anyway
        }
        helper.destroyForcibly();
        try {
            helper.waitFor(1, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String output(Process helper)
    {
        try {
            InputStream stream = helper.getInputStream();
            return new String(stream.readNBytes(Math.min(stream.available(), 4096)), StandardCharsets.UTF_8).strip();
        }
        catch (IOException e) {
            return "";
        }
    }
}
