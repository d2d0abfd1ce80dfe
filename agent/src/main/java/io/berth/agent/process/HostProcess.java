package io.berth.agent.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short host command (runc, ip, nft, a CNI plugin) to completion within a deadline and captures what it
 * printed. Both output streams are read on their own threads, so a command that hangs with its pipes open is
 * still killed at the deadline instead of holding the caller forever.
 */
public final class HostProcess
{
    private HostProcess() {}

    public static ProcessOutput run(List<String> command, Duration timeout)
    {
        return run(command, null, null, timeout);
    }

    /**
     * @param environment the command's whole environment; null inherits the agent's
     * @param stdin what to write to the command's standard input; null gives it /dev/null
     * @throws UncheckedIOException when the command cannot start, or does not finish within the timeout (it is killed)
     */
    public static ProcessOutput run(List<String> command, Map<String, String> environment, byte[] stdin, Duration timeout)
    {
        return run(command, null, environment, stdin, timeout);
    }

    /** As {@link #run(List, Map, byte[], Duration)}, in workingDirectory (null: the agent's). */
    public static ProcessOutput run(List<String> command, Path workingDirectory, Map<String, String> environment, byte[] stdin, Duration timeout)
    {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        if (environment != null) {
            builder.environment().clear();
            builder.environment().putAll(environment);
        }
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process process;
        try {
            process = ProcessStarts.start(builder);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        }
        try {
            CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()), Thread::startVirtualThread);
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()), Thread::startVirtualThread);
            if (stdin != null) {
                CompletableFuture.runAsync(() -> write(process.getOutputStream(), stdin), Thread::startVirtualThread);
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new UncheckedIOException(new IOException(describe(command) + " did not finish within " + timeout.toSeconds() + " s"));
            }
            // the pipes close when the process ends, unless it left a child holding them: do not wait on that child
            return new ProcessOutput(process.exitValue(), stdout.completeOnTimeout("", 5, TimeUnit.SECONDS).join(),
                    stderr.completeOnTimeout("", 5, TimeUnit.SECONDS).join());
        }
        catch (InterruptedException e) {
            // the caller gives up on the command (an agent shutting down): it must not outlive the wait
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while running " + describe(command)));
        }
    }

    /**
     * Runs an operator's command (a patch): as {@link #run(List, Map, byte[], Duration)} with no input, but keeps at
     * most maxOutputBytes of each stream (saying how much was cut), and at the deadline kills the command with every
     * process it started (a shell's children would otherwise keep running), throwing a
     * {@link HostProcessTimeoutException} that holds what it printed until then.
     */
    public static ProcessOutput runBounded(List<String> command, Map<String, String> environment, Duration timeout, int maxOutputBytes)
    {
        if (maxOutputBytes < 1) {
            throw new IllegalArgumentException("maxOutputBytes must be 1 or more, got " + maxOutputBytes);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (environment != null) {
            builder.environment().clear();
            builder.environment().putAll(environment);
        }
        Process process;
        try {
            process = ProcessStarts.start(builder);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readBounded(process.getInputStream(), maxOutputBytes), Thread::startVirtualThread);
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readBounded(process.getErrorStream(), maxOutputBytes), Thread::startVirtualThread);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process);
                ProcessOutput partial = new ProcessOutput(-1, stdout.completeOnTimeout("", 5, TimeUnit.SECONDS).join(),
                        stderr.completeOnTimeout("", 5, TimeUnit.SECONDS).join());
                throw new HostProcessTimeoutException(describe(command) + " did not finish within " + timeout.toSeconds() + " s", partial);
            }
            return new ProcessOutput(process.exitValue(), stdout.completeOnTimeout("", 5, TimeUnit.SECONDS).join(),
                    stderr.completeOnTimeout("", 5, TimeUnit.SECONDS).join());
        }
        catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while running " + describe(command)));
        }
    }

    private static void killTree(Process process)
    {
        // children first: once the parent is gone they are re-parented and no longer its descendants
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static String readBounded(InputStream stream, int maxBytes)
    {
        java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        long cut = 0;
        byte[] buffer = new byte[8192];
        try (stream) {
            for (int read = stream.read(buffer); read >= 0; read = stream.read(buffer)) {
                int keep = Math.min(read, maxBytes - kept.size());
                kept.write(buffer, 0, keep);
                cut += read - keep;
            }
        }
        catch (IOException e) {
            // the stream closes under the reader when the command is killed: what was read so far is the output
        }
        String text = kept.toString(StandardCharsets.UTF_8);
        return cut == 0 ? text : text + "\n[... " + cut + " more bytes not kept]\n";
    }

    private static String describe(List<String> command)
    {
        return String.join(" ", command.size() > 4 ? command.subList(0, 4) : command) + (command.size() > 4 ? " ..." : "");
    }

    private static void write(OutputStream stream, byte[] bytes)
    {
        try (stream) {
            stream.write(bytes);
        }
        catch (IOException e) {
            // the command exited without reading all of it: its exit status says what went wrong
        }
    }

    private static String readAll(InputStream stream)
    {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            return "";
        }
    }
}
