package io.berth.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The berth command as a separate JVM ({@link BerthJvm}), optionally inside a test host's network namespace, with
 * its output appended to a log file. kill() is SIGKILL, as a crash; close() is SIGTERM, then SIGKILL.
 */
public final class BerthProcess
        implements AutoCloseable
{
    private static final long RUN_TIMEOUT_SECONDS = 120;
    private static final long STOP_TIMEOUT_SECONDS = 20;
    private static final long KILL_TIMEOUT_SECONDS = 30;

    private final List<String> command;
    private final Path logFile;
    private final Map<String, String> environment;
    private Process process;

    private BerthProcess(List<String> command, Path logFile, Map<String, String> environment)
    {
        this.command = List.copyOf(command);
        this.logFile = logFile;
        this.environment = Map.copyOf(environment);
    }

    /** Starts `berth ARGUMENTS` with the test JVM options. */
    public static BerthProcess start(Optional<NetnsHost> host, List<String> arguments, Path logFile, Map<String, String> environment)
            throws IOException
    {
        return start(BerthJvm.forTests(), host, arguments, logFile, environment);
    }

    public static BerthProcess start(BerthJvm jvm, Optional<NetnsHost> host, List<String> arguments, Path logFile, Map<String, String> environment)
            throws IOException
    {
        BerthProcess process = new BerthProcess(jvm.command(host, arguments), logFile, environment);
        process.start();
        return process;
    }

    /** Runs berth to completion with the test JVM options: its exit code and its output. */
    public static Result run(Optional<NetnsHost> host, List<String> arguments, Map<String, String> environment)
            throws IOException, InterruptedException
    {
        return run(BerthJvm.forTests(), host, arguments, environment);
    }

    public static Result run(BerthJvm jvm, Optional<NetnsHost> host, List<String> arguments, Map<String, String> environment)
            throws IOException, InterruptedException
    {
        ProcessBuilder builder = new ProcessBuilder(jvm.command(host, arguments));
        builder.environment().putAll(environment);
        Path stderr = Files.createTempFile("berth-stderr", ".txt");
        try {
            Process process = builder.redirectError(stderr.toFile()).start();
            process.getOutputStream().close();
            String stdout = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IOException("berth " + arguments + " did not finish within " + RUN_TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), stdout, Files.readString(stderr));
        }
        finally {
            Files.deleteIfExists(stderr);
        }
    }

    public record Result(int exitCode, String stdout, String stderr) {}

    public synchronized void start()
            throws IOException
    {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running: " + command);
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
        process.getOutputStream().close();
    }

    public synchronized boolean isAlive()
    {
        return process != null && process.isAlive();
    }

    /** The JVM's process id (nsenter execs it, so it is the same process); empty before the first start. */
    public synchronized Optional<Long> pid()
    {
        return process == null ? Optional.empty() : Optional.of(process.pid());
    }

    public Path logFile()
    {
        return logFile;
    }

    /** SIGKILL: no shutdown hook runs, as when the machine loses the process. */
    public synchronized void kill()
            throws InterruptedException
    {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(KILL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, then SIGKILL if it does not stop. */
    @Override
    public synchronized void close()
            throws InterruptedException
    {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
