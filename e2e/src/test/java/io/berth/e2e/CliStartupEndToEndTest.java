package io.berth.e2e;

import io.berth.testing.BerthJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ./berth launcher as a user runs it, on a copy of this build (so the test may touch its jars), against a real
 * all-in-one Berth: the CLI answers correctly with no AOT cache yet, with the cache its first run made in the
 * background, with that cache corrupted in the middle, and with a stale cache made for another build of its jars; and
 * through the per-user CLI daemon, which answers as a JVM of the command's own does, is replaced when killed, stops a
 * task on Ctrl-C, and serves no other user.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliStartupEndToEndTest
{
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    /** A training run is a few CLI runs and a cache dump: well under a minute on a quiet machine, more on a busy one. */
    private static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(5);

    private BerthEnvironment environment;
    private Path installation;
    private Path cacheDirectory;
    private Path daemonDirectory;
    private Map<String, String> berthEnv;

    @BeforeAll
    void start()
            throws Exception
    {
        environment = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-cli-startup"));
        berthEnv = BerthCli.parseEnvironmentFile(environment.berth().environmentFile());
        installation = Files.createTempDirectory("berth-e2e-launcher");
        copyBuild(installation);
        cacheDirectory = installation.resolve("aot-cache");
        daemonDirectory = installation.resolve("daemon");
        Files.createDirectory(daemonDirectory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    @AfterAll
    void stop()
            throws Exception
    {
        try {
            if (environment != null) {
                String hostId = Files.readString(environment.dataDirectory().resolve("agent/host-id")).strip();
                environment.close();
                HostLeftovers.removeHostCgroups(hostId);
            }
        }
        finally {
            if (installation != null) {
                stopDaemons();
                // a training run may still be writing here: wait for it before removing its directory
                awaitNoTraining();
                CliEndToEndTest.deleteRecursively(installation);
            }
        }
    }

    @Test
    void theCliWorksWithoutWithAndWithABrokenOrStaleCache()
            throws Exception
    {
        // no cache: the command runs without one and starts a training run in the background
        assertWorks();
        Path cache = awaitCache();
        assertThat(classesFromCache("--version")).as("io.berth.cli.Main comes from the AOT cache").isTrue();
        assertWorks();

        // corrupted in the middle (a crash or a full disk): refused, removed and made again
        try (RandomAccessFile file = new RandomAccessFile(cache.toFile(), "rw")) {
            byte[] garbage = new byte[64 * 1024];
            new Random(7).nextBytes(garbage);
            file.seek(file.length() / 2);
            file.write(garbage);
        }
        assertWorks();
        Path remade = awaitCache();
        assertThat(remade).isEqualTo(cache);

        // stale: a cache made for another build of the jars, under this build's key (sealed as the launcher seals);
        // the JVM finds the jars differ from the ones it was made with and runs without it
        Path jar = cliJar();
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        Path staleCopy = cacheDirectory.resolve("berth-cli-" + currentKey() + ".aot");
        Files.copy(cache, staleCopy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(cacheDirectory.resolve(staleCopy.getFileName() + ".seal"), bash("stat -c '%s %y' \"$1\"", staleCopy.toString()).strip() + "\n");
        assertThat(classesFromCache("--version")).as("a stale cache is not used").isFalse();
        assertWorks();

        // an older build's cache under its own key is left alone until this build's cache is made, then removed
        Files.delete(staleCopy);
        Files.delete(cacheDirectory.resolve(staleCopy.getFileName() + ".seal"));
        assertWorks();
        Path fresh = awaitCache();
        assertThat(fresh).isEqualTo(staleCopy);
        assertThat(cache).doesNotExist();
        assertThat(classesFromCache("--version")).isTrue();
        assertWorks();
    }

    /**
     * The launcher starts each server with its own JVM settings (scripts/jvm.sh): the fleet's control plane with G1,
     * a host's servers with the serial collector; seen by a stand-in JDK whose java prints what it was given.
     */
    @Test
    void eachServerGetsTheJvmSettingsMeasuredForIt()
            throws Exception
    {
        Path standIn = Files.createDirectories(installation.resolve("stand-in-jdk/bin"));
        Files.writeString(standIn.resolveSibling("release"), "JAVA_VERSION=\"25.0.3\"\n");
        for (String tool : List.of("java", "javac")) {
            Path file = standIn.resolve(tool);
            Files.writeString(file, "#!/bin/bash\necho \"$*\"\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Map<String, String> settings = Map.of("JAVA_HOME", standIn.getParent().toString(), "BERTH_AOT_DIR", installation.resolve("stand-in-aot").toString());

        BerthCli.Result server = launch(settings, "server", "--port", "1");
        assertThat(server.exitCode()).as(server.toString()).isZero();
        // the benchmarks run the servers with BerthJvm's copies of these settings: they must be the launcher's
        assertThat(server.stdout()).as(server.toString()).contains("-XX:+UseG1GC").doesNotContain("-XX:+UseSerialGC")
                .contains(String.join(" ", BerthJvm.CONTROL_PLANE_OPTIONS)).contains("io.berth.cli.Main server --port 1");
        for (String host : List.of("up", "agent")) {
            BerthCli.Result result = launch(settings, host, "--port", "1");
            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).as(result.toString()).contains("-XX:+UseSerialGC").doesNotContain("-XX:+UseG1GC")
                    .contains(String.join(" ", BerthJvm.SERVER_OPTIONS)).contains("io.berth.cli.Main " + host + " --port 1");
        }
    }

    @Test
    void theCliDaemonAnswersAsAJvmOfItsOwnDoes()
            throws Exception
    {
        Map<String, String> daemon = Map.of("BERTH_DAEMON", "on");
        // none runs yet: the command runs in a JVM of its own and starts one for the next command
        BerthCli.Result first = launch(daemon, "--version");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        Path addressFile = awaitDaemon(Optional.empty());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(addressFile))).isEqualTo("rw-------");

        for (List<String> command : List.of(List.of("--version"), List.of("ps", "-a"),
                List.of("run", environment.image(), "--", "sh", "-c", "echo hi; echo oops >&2; exit 3"), List.of("ps", "--no-such-option"))) {
            BerthCli.Result own = launch(Map.of(), command.toArray(String[]::new));
            BerthCli.Result throughDaemon = launchThroughDaemon(command.toArray(String[]::new));
            assertThat(throughDaemon.exitCode()).as(throughDaemon + " against " + own).isEqualTo(own.exitCode());
            assertThat(throughDaemon.stderr()).as(throughDaemon + " against " + own).isEqualTo(own.stderr());
            if (command.getFirst().equals("ps")) {
                // the header; the rows' ages move on between the two runs
                assertThat(throughDaemon.stdoutLines().stream().findFirst()).as(throughDaemon.toString()).isEqualTo(own.stdoutLines().stream().findFirst());
            }
            else {
                assertThat(throughDaemon.stdout()).as(throughDaemon + " against " + own).isEqualTo(own.stdout());
            }
            if (command.getFirst().equals("run")) {
                // the container's output, each stream on its own, and its exit code
                assertThat(throughDaemon.exitCode()).isEqualTo(3);
                assertThat(throughDaemon.stdout()).isEqualTo("hi\n");
                assertThat(throughDaemon.stderr()).isEqualTo("oops\n");
            }
        }
        // each command has its caller's environment, not the one the daemon started with (which had no GREETING)
        BerthCli.Result greeting = launchThroughDaemon(Map.of("GREETING", "one"), "run", environment.image(), "-e", "GREETING", "--", "sh", "-c", "echo $GREETING");
        assertThat(greeting.stdout()).as(greeting.toString()).isEqualTo("one\n");
        BerthCli.Result wrongSecret = launchThroughDaemon(Map.of("AWS_SECRET_ACCESS_KEY", "not-the-secret"), "ps");
        assertThat(wrongSecret.exitCode()).as(wrongSecret.toString()).isEqualTo(1);
        assertThat(wrongSecret.stderr()).as(wrongSecret.toString()).startsWith("berth: ");

        // Ctrl-C stops the command's task, as the shutdown hook of a JVM of its own does, and the exit code says so
        interruptedRunStopsItsTask();

        // another user reaches the port but is refused before anything runs, and cannot read the token
        List<String> address = Files.readAllLines(addressFile);
        String request = """
                exec 3<>/dev/tcp/127.0.0.1/$1
                printf '%s\\0' 'berth-daemon 1' "$2" x 1 1 2 / 1 --version 0 >&3
                IFS= read -r -t 10 -u 3 reply
                echo "$reply"
                """;
        String asNobody = bash("exec setpriv --reuid=65534 --regid=65534 --clear-groups "
                        + "bash -c 'cat \"$3\" >/dev/null 2>&1 && echo token-readable; eval \"$4\"' bash \"$1\" \"$2\" \"$3\" \"$4\"",
                address.get(1), address.get(2), addressFile.toString(), request);
        assertThat(asNobody.strip()).isEqualTo("fallback the connection is not from the daemon's user");
        // this user with a wrong token is refused too
        String wrongToken = bash(request, address.get(1), "wrong");
        assertThat(wrongToken.strip()).isEqualTo("fallback wrong token");

        // a killed daemon: the next command runs in a JVM of its own and starts a new daemon, which serves the one after
        ProcessHandle killed = daemonProcesses().findFirst().orElseThrow();
        killed.destroyForcibly();
        killed.onExit().get(30, TimeUnit.SECONDS);
        BerthCli.Result afterKill = launch(daemon, "--version");
        assertThat(afterKill.exitCode()).as(afterKill.toString()).isZero();
        assertThat(afterKill.stdout()).startsWith("berth ");
        awaitDaemon(Optional.of(address));
        assertThat(launchThroughDaemon("--version").stdout()).startsWith("berth ");
    }

    /** berth run of a long task through the daemon, interrupted once the task runs: 130, and the task stops. */
    private void interruptedRunStopsItsTask()
            throws Exception
    {
        ProcessBuilder builder = launcher(Map.of("BERTH_DAEMON", "on", "JDK_JAVA_OPTIONS", "-Xlog:disable -XX:+UseSerialGC"),
                "run", environment.image(), "--name", "berth-daemon-interrupt", "--", "sleep", "300");
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> stdout = BerthCli.readAll(process.getInputStream());
        CompletableFuture<String> stderr = BerthCli.readAll(process.getErrorStream());
        long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
        // polled through the daemon too (quick), beside the run it serves at the same time
        while (launch(Map.of("BERTH_DAEMON", "on"), "ps").stdoutLines().stream().noneMatch(line -> line.contains("berth-daemon-interrupt") && line.contains(" RUNNING "))) {
            assertThat(System.nanoTime()).as("the task did not run; " + stderr).isLessThan(deadline);
            assertThat(process.isAlive()).as("berth run ended early: " + stderr.getNow("")).isTrue();
            Thread.sleep(300);
        }
        // a shell started in the background ignores SIGINT and cannot trap it; TERM takes the same way then
        String signal = ignoresInterrupt() ? "-TERM" : "-INT";
        bash("kill " + signal + " \"$1\"", Long.toString(process.pid()));
        assertThat(process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(process.exitValue()).as(stderr.join()).isEqualTo(130);
        assertThat(stderr.join()).contains("berth: interrupted, stopping task");
        assertThat(stdout.join()).isEmpty();
        while (launch(Map.of("BERTH_DAEMON", "on"), "ps", "-a").stdoutLines().stream().anyMatch(line -> line.contains("berth-daemon-interrupt") && !line.contains(" STOPPED "))) {
            assertThat(System.nanoTime()).as("the interrupted task did not stop").isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    private static boolean ignoresInterrupt()
            throws IOException
    {
        String ignored = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(line -> line.startsWith("SigIgn:")).findFirst().orElse("SigIgn: 0");
        return (Long.parseUnsignedLong(ignored.substring("SigIgn:".length()).strip(), 16) & 0b10) != 0;
    }

    /**
     * A command through the daemon, checked to have started no JVM: the java launcher would write the class-load
     * log JDK_JAVA_OPTIONS asks for, and no debug note says the launcher fell back.
     */
    private BerthCli.Result launchThroughDaemon(String... arguments)
            throws Exception
    {
        return launchThroughDaemon(Map.of(), arguments);
    }

    private BerthCli.Result launchThroughDaemon(Map<String, String> extra, String... arguments)
            throws Exception
    {
        Path log = installation.resolve("no-jvm-" + System.nanoTime() + ".log");
        Map<String, String> variables = new HashMap<>(extra);
        variables.put("BERTH_DAEMON", "on");
        variables.put("JDK_JAVA_OPTIONS", "-Xlog:class+load:file=" + log);
        BerthCli.Result result = launch(variables, arguments);
        assertThat(log).as("berth " + String.join(" ", arguments) + " started a JVM: " + result).doesNotExist();
        return result;
    }

    /** Waits for a daemon's address file (other than the one given) and returns it. */
    private Path awaitDaemon(Optional<List<String>> previous)
            throws Exception
    {
        long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
        while (true) {
            try (Stream<Path> entries = Files.list(daemonDirectory)) {
                Optional<Path> file = entries.filter(entry -> entry.getFileName().toString().matches("daemon-[0-9a-f]+")).findFirst();
                if (file.isPresent() && !previous.equals(Optional.of(Files.readAllLines(file.get())))) {
                    return file.get();
                }
            }
            catch (IOException e) {
                // renamed under us: look again
            }
            assertThat(System.nanoTime()).as("no CLI daemon within " + COMMAND_TIMEOUT).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private Stream<ProcessHandle> daemonProcesses()
    {
        return ProcessHandle.allProcesses().filter(process -> process.info().arguments()
                .map(arguments -> List.of(arguments).contains("io.berth.cli.daemon.CliDaemon") && List.of(arguments).contains(daemonDirectory.toString()))
                .orElse(false));
    }

    private void stopDaemons()
            throws Exception
    {
        for (ProcessHandle process : daemonProcesses().toList()) {
            process.destroy();
            process.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    /** --version, ps and a run answer as they would without any cache. */
    private void assertWorks()
            throws Exception
    {
        BerthCli.Result version = launch(Map.of(), "--version");
        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.stdout()).as(version.toString()).startsWith("berth ");
        assertThat(version.stderr()).as(version.toString()).isEmpty();

        BerthCli.Result ps = launch(Map.of(), "ps", "-a");
        assertThat(ps.exitCode()).as(ps.toString()).isZero();
        assertThat(ps.stdoutLines().getFirst()).as(ps.toString()).startsWith("TASK");
        assertThat(ps.stderr()).as(ps.toString()).isEmpty();

        BerthCli.Result run = launch(Map.of(), "run", environment.image(), "--", "sh", "-c", "echo hi; exit 3");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.stdoutLines()).as(run.toString()).containsExactly("hi");
        assertThat(run.stderr()).as(run.toString()).isEmpty();
    }

    /** Whether the CLI's own entry point was loaded from the AOT cache in a run of this command. */
    private boolean classesFromCache(String... arguments)
            throws Exception
    {
        Path log = Files.createTempFile(installation, "class-load", ".log");
        BerthCli.Result result = launch(Map.of("JDK_JAVA_OPTIONS", "-Xlog:class+load:file=" + log), arguments);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        try (Stream<String> lines = Files.lines(log)) {
            return lines.anyMatch(line -> line.contains("io.berth.cli.Main source: shared objects file"));
        }
    }

    private BerthCli.Result launch(Map<String, String> extra, String... arguments)
            throws Exception
    {
        Process process = launcher(extra, arguments).start();
        process.getOutputStream().close();
        CompletableFuture<String> stdout = BerthCli.readAll(process.getInputStream());
        CompletableFuture<String> stderr = BerthCli.readAll(process.getErrorStream());
        if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            BerthCli.destroyTree(process);
            throw new AssertionError("berth " + String.join(" ", arguments) + " did not finish within " + COMMAND_TIMEOUT);
        }
        // JDK_JAVA_OPTIONS makes the java launcher say so on stderr; that note is not the CLI's
        String errors = stderr.join().lines().filter(line -> !line.startsWith("NOTE: Picked up JDK_JAVA_OPTIONS")).map(line -> line + "\n").reduce("", String::concat);
        return new BerthCli.Result(process.exitValue(), stdout.join(), errors);
    }

    private ProcessBuilder launcher(Map<String, String> extra, String... arguments)
    {
        List<String> command = new ArrayList<>(List.of("bash", installation.resolve("berth").toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> variables = builder.environment();
        variables.keySet().removeIf(name -> !List.of("PATH", "HOME", "LANG", "TMPDIR").contains(name));
        variables.putAll(berthEnv);
        variables.put("JAVA_HOME", System.getProperty("java.home"));
        variables.put("BERTH_AOT_DIR", cacheDirectory.toString());
        // a JVM of its own unless a test asks for the CLI daemon (in a state directory of this test's)
        variables.put("BERTH_DAEMON", "off");
        variables.put("BERTH_DAEMON_DIR", daemonDirectory.toString());
        variables.putAll(extra);
        return builder;
    }

    /** Waits until the training run has sealed a cache and let go of its lock; returns the cache. */
    private Path awaitCache()
            throws Exception
    {
        long deadline = System.nanoTime() + TRAINING_TIMEOUT.toNanos();
        while (true) {
            Optional<Path> cache = cacheFile();
            if (cache.isPresent() && Files.exists(cacheDirectory.resolve(cache.get().getFileName() + ".seal")) && !trainingRuns()) {
                return cache.get();
            }
            assertThat(System.nanoTime()).as("no AOT cache within " + TRAINING_TIMEOUT + "; training log: " + trainingLog()).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private void awaitNoTraining()
            throws InterruptedException
    {
        long deadline = System.nanoTime() + TRAINING_TIMEOUT.toNanos();
        while (trainingRuns() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    private Optional<Path> cacheFile()
            throws IOException
    {
        if (!Files.isDirectory(cacheDirectory)) {
            return Optional.empty();
        }
        try (Stream<Path> entries = Files.list(cacheDirectory)) {
            return entries.filter(entry -> entry.getFileName().toString().matches("berth-cli-[0-9a-f]+\\.aot")).findFirst();
        }
    }

    private boolean trainingRuns()
    {
        try (Stream<Path> entries = Files.list(cacheDirectory)) {
            return entries.anyMatch(entry -> entry.getFileName().toString().endsWith(".lock"));
        }
        catch (IOException e) {
            return false;
        }
    }

    private String trainingLog()
    {
        try {
            return Files.readString(cacheDirectory.resolve("training.log"));
        }
        catch (IOException e) {
            return "(none)";
        }
    }

    private String currentKey()
            throws Exception
    {
        return bash(". \"$1/scripts/jvm.sh\"; berth_aot_key \"$2\" \"$3\" \"$1\"/cli/target/lib/*.jar",
                installation.toString(), System.getProperty("java.home"), cliJar().toString()).strip();
    }

    private Path cliJar()
            throws IOException
    {
        try (Stream<Path> entries = Files.list(installation.resolve("cli/target"))) {
            return entries.filter(entry -> entry.getFileName().toString().matches("berth-cli-.*\\.jar")).findFirst().orElseThrow();
        }
    }

    private static String bash(String script, String... arguments)
            throws Exception
    {
        List<String> command = new ArrayList<>(List.of("bash", "-c", script, "bash"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        CompletableFuture<String> output = BerthCli.readAll(process.getInputStream());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output.join()).isZero();
        return output.join();
    }

    /** The launcher, its scripts and the CLI's jar and libraries, as a build leaves them. */
    private static void copyBuild(Path target)
            throws IOException
    {
        Files.createDirectories(target.resolve("scripts"));
        Files.createDirectories(target.resolve("cli/target/lib"));
        Files.copy(REPOSITORY.resolve("berth"), target.resolve("berth"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String script : List.of("lib.sh", "jvm.sh", "daemon.sh")) {
            Files.copy(REPOSITORY.resolve("scripts").resolve(script), target.resolve("scripts").resolve(script), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Map<Path, Path> copies = new HashMap<>();
        try (Stream<Path> entries = Files.list(REPOSITORY.resolve("cli/target"))) {
            entries.filter(entry -> entry.getFileName().toString().matches("berth-cli-[^/]*\\.jar"))
                    .forEach(entry -> copies.put(entry, target.resolve("cli/target").resolve(entry.getFileName())));
        }
        try (Stream<Path> entries = Files.list(REPOSITORY.resolve("cli/target/lib"))) {
            entries.forEach(entry -> copies.put(entry, target.resolve("cli/target/lib").resolve(entry.getFileName())));
        }
        assertThat(copies.keySet()).as("the CLI is built (mvn -pl e2e -am verify packages it)").anyMatch(path -> path.getFileName().toString().startsWith("berth-cli-"));
        for (Map.Entry<Path, Path> copy : copies.entrySet()) {
            Files.copy(copy.getKey(), copy.getValue(), StandardCopyOption.COPY_ATTRIBUTES);
        }
    }
}
