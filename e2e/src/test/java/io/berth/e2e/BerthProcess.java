package io.berth.e2e;

import io.berth.testing.NetnsHost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The berth command as a separate JVM (`java -cp <test classpath> io.berth.cli.Main ARGS`), optionally inside a
 * test host's network namespace, with its output appended to a log file. kill() is SIGKILL, as a crash.
 */
final class BerthProcess
        implements AutoCloseable
{
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

    static BerthProcess start(Optional<NetnsHost> host, List<String> arguments, Path logFile, Map<String, String> environment)
            throws IOException
    {
        BerthProcess process = new BerthProcess(command(host, arguments), logFile, environment);
        process.start();
        return process;
    }

    /** Runs berth to completion: its exit code and its output. */
    static Result run(Optional<NetnsHost> host, List<String> arguments, Map<String, String> environment)
            throws IOException, InterruptedException
    {
        ProcessBuilder builder = new ProcessBuilder(command(host, arguments));
        builder.environment().putAll(environment);
        Path stderr = Files.createTempFile("berth-e2e-stderr", ".txt");
        try {
            Process process = builder.redirectError(stderr.toFile()).start();
            process.getOutputStream().close();
            String stdout = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IOException("berth " + arguments + " did not finish within 120 s");
            }
            return new Result(process.exitValue(), stdout, Files.readString(stderr));
        }
        finally {
            Files.deleteIfExists(stderr);
        }
    }

    record Result(int exitCode, String stdout, String stderr) {}

    private static List<String> command(Optional<NetnsHost> host, List<String> arguments)
    {
        // surefire's forked JVM sees a manifest-only jar as its class path; this property holds the real one
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-cp", classPath, "io.berth.cli.Main"));
        java.addAll(arguments);
        return host.map(netns -> netns.command(java)).orElse(java);
    }

    synchronized void start()
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

    synchronized boolean isAlive()
    {
        return process != null && process.isAlive();
    }

    Path logFile()
    {
        return logFile;
    }

    /** SIGKILL: no shutdown hook runs, as when the machine loses the process. */
    synchronized void kill()
            throws InterruptedException
    {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
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
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
