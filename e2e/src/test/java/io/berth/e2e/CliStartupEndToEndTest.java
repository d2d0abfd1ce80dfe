package io.berth.e2e;

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
 * background, with that cache corrupted in the middle, and with a stale cache made for another build of its jars.
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
        List<String> command = new ArrayList<>(List.of("bash", installation.resolve("berth").toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> variables = builder.environment();
        variables.keySet().removeIf(name -> !List.of("PATH", "HOME", "LANG", "TMPDIR").contains(name));
        variables.putAll(berthEnv);
        variables.put("JAVA_HOME", System.getProperty("java.home"));
        variables.put("BERTH_AOT_DIR", cacheDirectory.toString());
        variables.putAll(extra);
        Process process = builder.start();
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
        for (String script : List.of("lib.sh", "jvm.sh")) {
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
