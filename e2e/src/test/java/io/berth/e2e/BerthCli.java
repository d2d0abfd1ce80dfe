package io.berth.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * Runs the berth command as a user would: a separate JVM running io.berth.cli.Main on this test JVM's class
 * path, with an environment like the one sourcing berth.env gives, never the test JVM's own AWS or Berth
 * variables.
 */
final class BerthCli
{
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> INHERITED_VARIABLES = List.of("PATH", "HOME", "LANG", "TMPDIR");

    private final Map<String, String> environment;

    private BerthCli(Map<String, String> environment)
    {
        this.environment = Map.copyOf(environment);
    }

    /** The variables a berth.env file exports ("export NAME=VALUE" lines). */
    static BerthCli fromEnvironmentFile(Path berthEnv)
            throws IOException
    {
        return new BerthCli(parseEnvironmentFile(berthEnv));
    }

    static Map<String, String> parseEnvironmentFile(Path berthEnv)
            throws IOException
    {
        Map<String, String> variables = new HashMap<>();
        for (String line : Files.readAllLines(berthEnv, UTF_8)) {
            String stripped = line.strip();
            if (stripped.startsWith("export ")) {
                String assignment = stripped.substring("export ".length());
                int equals = assignment.indexOf('=');
                variables.put(assignment.substring(0, equals), assignment.substring(equals + 1));
            }
        }
        return variables;
    }

    /** No Berth variables at all: what a shell that never sourced berth.env has. */
    static BerthCli withoutEnvironment()
    {
        return new BerthCli(Map.of());
    }

    Map<String, String> environment()
    {
        return environment;
    }

    /** A copy with these variables set (or, with a null value, removed). */
    BerthCli with(String name, String value)
    {
        Map<String, String> changed = new HashMap<>(environment);
        if (value == null) {
            changed.remove(name);
        }
        else {
            changed.put(name, value);
        }
        return new BerthCli(changed);
    }

    BerthCli withKeys(String accessKeyId, String secretAccessKey)
    {
        return with("AWS_ACCESS_KEY_ID", accessKeyId).with("AWS_SECRET_ACCESS_KEY", secretAccessKey);
    }

    record Result(int exitCode, String stdout, String stderr)
    {
        List<String> stdoutLines()
        {
            return stdout.lines().toList();
        }

        List<String> stderrLines()
        {
            return stderr.lines().filter(line -> !line.isBlank()).toList();
        }

        @Override
        public String toString()
        {
            return "exit " + exitCode + "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;
        }
    }

    Result run(String... arguments)
    {
        return run(DEFAULT_TIMEOUT, arguments);
    }

    /** Runs berth to completion; kills it and fails if it takes longer than timeout. */
    Result run(Duration timeout, String... arguments)
    {
        Process process = start(arguments);
        try {
            process.getOutputStream().close();
            CompletableFuture<String> stdout = readAll(process.getInputStream());
            CompletableFuture<String> stderr = readAll(process.getErrorStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                destroyTree(process);
                throw new AssertionError("berth " + String.join(" ", arguments) + " did not finish within " + timeout
                        + "\n--- stdout:\n" + stdout.getNow("") + "\n--- stderr:\n" + stderr.getNow(""));
            }
            return new Result(process.exitValue(), stdout.join(), stderr.join());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroyTree(process);
            throw new AssertionError("interrupted", e);
        }
    }

    /** Starts berth and returns the running process; the caller reads its streams and must end it. */
    Process start(String... arguments)
    {
        return start(List.of(), arguments);
    }

    /** Starts berth with its output going to files, for a long-running `berth up`. */
    Process startWithOutputTo(Path stdout, Path stderr, String... arguments)
    {
        return start(builder -> builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()), arguments);
    }

    Process start(List<String> jvmOptions, String... arguments)
    {
        return start(jvmOptions, builder -> {}, arguments);
    }

    private Process start(Consumer<ProcessBuilder> redirects, String... arguments)
    {
        return start(List.of(), redirects, arguments);
    }

    private Process start(List<String> jvmOptions, Consumer<ProcessBuilder> redirects, String... arguments)
    {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // as the ./berth launcher: a short-lived CLI wants a fast start
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.berth.cli.Main");
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> processEnvironment = builder.environment();
        processEnvironment.clear();
        for (String name : INHERITED_VARIABLES) {
            String value = System.getenv(name);
            if (value != null) {
                processEnvironment.put(name, value);
            }
        }
        processEnvironment.putAll(environment);
        redirects.accept(builder);
        try {
            return builder.start();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    static CompletableFuture<String> readAll(InputStream stream)
    {
        requireNonNull(stream, "stream is null");
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            try (stream) {
                stream.transferTo(buffer);
            }
            catch (IOException e) {
                // the process died; keep what it wrote
            }
            text.complete(buffer.toString(UTF_8));
        });
        return text;
    }

    /** Kills a process and every process it started, by pid. */
    static void destroyTree(Process process)
    {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
