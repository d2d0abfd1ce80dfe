package io.berth.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's choice of AOT cache (scripts/jvm.sh), run in bash as ./berth runs it: which key a JDK and a build
 * get, when a cache is used, and when it is refused and made again. The JDK here is a stand-in whose `java` writes
 * a file where -XX:AOTCacheOutput says, so the logic is tested without a real training run (the e2e test
 * CliStartupEndToEndTest runs the real one).
 */
class LauncherAotCacheTest
{
    private static final Path SCRIPT = Path.of("..", "scripts", "jvm.sh").toAbsolutePath().normalize();
    private static final Duration TRAINING_WAIT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private Path jdk;
    private Path jar;
    private Path library;
    private Path cacheDirectory;

    @BeforeEach
    void createBuild()
            throws IOException
    {
        jdk = Files.createDirectories(directory.resolve("jdk"));
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.3\"\n");
        Path java = Files.createDirectories(jdk.resolve("bin")).resolve("java");
        Files.writeString(java, """
                #!/bin/bash
                for argument in "$@"; do
                  case "$argument" in -XX:AOTCacheOutput=*) echo "trained on $*" > "${argument#-XX:AOTCacheOutput=}" ;; esac
                done
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        jar = Files.writeString(directory.resolve("berth-cli.jar"), "the cli, build 1");
        library = Files.writeString(directory.resolve("lib.jar"), "a library");
        cacheDirectory = directory.resolve("aot");
    }

    @Test
    void theKeyFollowsTheJdkTheCliJarAndTheLibraries()
            throws Exception
    {
        String key = key();
        assertThat(key).matches("[0-9a-f]{20}").isEqualTo(key());

        Files.writeString(jar, "the cli, build 2");
        String rebuilt = key();
        assertThat(rebuilt).isNotEqualTo(key);

        Files.writeString(library, "a library, version 2");
        String newLibrary = key();
        assertThat(newLibrary).isNotEqualTo(rebuilt);

        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.4\"\n");
        assertThat(key()).isNotEqualTo(newLibrary);
    }

    @Test
    void withoutACacheTheCommandRunsWithoutOneAndATrainingRunMakesIt()
            throws Exception
    {
        String key = key();
        Path cache = trainedCache(key);
        assertThat(Files.readString(cache)).contains("io.berth.cli.aot.AotTraining").contains("-XX:TieredStopAtLevel=1");
        assertThat(options(key, Map.of())).containsExactly("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off");
        assertThat(options(key, Map.of("BERTH_AOT", "off"))).isEmpty();
    }

    @Test
    void aCacheWrittenToAfterItWasSealedIsRemovedAndMadeAgain()
            throws Exception
    {
        String key = key();
        Path cache = trainedCache(key);
        Path seal = cache.resolveSibling(cache.getFileName() + ".seal");

        Files.writeString(cache, "garbage from a full disk");
        assertThat(options(key, Map.of())).isEmpty();
        awaitFile(seal);
        assertThat(Files.readString(cache)).contains("trained on");

        // same size, other bytes, time set back by hand: the time to the nanosecond still differs
        Files.setLastModifiedTime(cache, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        assertThat(options(key, Map.of())).isEmpty();
        awaitFile(seal);

        Files.delete(seal);
        assertThat(options(key, Map.of())).as("a cache without its seal").isEmpty();
        awaitFile(seal);
        assertThat(options(key, Map.of())).hasSize(3);
    }

    @Test
    void aNewBuildsCacheReplacesTheOldOnes()
            throws Exception
    {
        Path oldCache = trainedCache(key());

        Files.writeString(jar, "the cli, build 2");
        String newKey = key();
        Path newCache = trainedCache(newKey);

        assertThat(oldCache).doesNotExist();
        assertThat(options(newKey, Map.of())).first().isEqualTo("-XX:AOTCache=" + newCache);
    }

    @Test
    void aCacheDirectoryThatCannotBeMadeMeansNoCacheAndNoFailure()
            throws Exception
    {
        Path file = Files.writeString(directory.resolve("not-a-directory"), "");
        cacheDirectory = file.resolve("aot");
        assertThat(options(key(), Map.of())).isEmpty();
    }

    @Test
    void theLaunchPlanIsKeptUntilAJarOrTheJdkChanges()
            throws Exception
    {
        Path javac = jdk.resolve("bin").resolve("javac");
        Files.writeString(javac, "#!/bin/bash\n");
        Files.setPosixFilePermissions(javac, PosixFilePermissions.fromString("rwxr-xr-x"));
        String key = key();
        assertThat(plan()).containsExactly(jdk.toString(), key);
        Path launch = cacheDirectory.resolve("launch");
        assertThat(launch).exists();

        // read back as kept, not worked out again: a key written into the file by hand comes back
        List<String> lines = Files.readAllLines(launch);
        lines.set(3, "kept-key");
        Files.write(launch, lines);
        assertThat(plan()).containsExactly(jdk.toString(), "kept-key");

        Files.setLastModifiedTime(library, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(plan()).as("a library newer than the plan").containsExactly(jdk.toString(), key());

        lines = Files.readAllLines(launch);
        lines.set(3, "kept-key");
        Files.write(launch, lines);
        assertThat(bash("berth_launch_plan \"$AOT_DIR\" \"$JAR\"; echo \"$BERTH_AOT_KEY\"", Map.of("JAVA_HOME", jdk.toString())))
                .as("another class path").containsExactly(bash("berth_aot_key \"$JDK\" \"$JAR\"", Map.of()).getFirst());
    }

    /** The first call finds no cache, runs without one and starts the training run; returns the cache it made. */
    private Path trainedCache(String key)
            throws Exception
    {
        assertThat(options(key, Map.of())).isEmpty();
        Path cache = cacheDirectory.resolve("berth-cli-" + key + ".aot");
        awaitFile(cache.resolveSibling(cache.getFileName() + ".seal"));
        return cache;
    }

    private String key()
            throws Exception
    {
        return bash("berth_aot_key \"$JDK\" \"$JAR\" \"$LIB\"", Map.of()).getFirst();
    }

    /** berth_launch_plan's JDK and key for the jar and the library, with JAVA_HOME at the stand-in JDK. */
    private List<String> plan()
            throws Exception
    {
        return bash("berth_launch_plan \"$AOT_DIR\" \"$JAR\" \"$LIB\"; echo \"$BERTH_JDK\"; echo \"$BERTH_AOT_KEY\"", Map.of("JAVA_HOME", jdk.toString()));
    }

    private List<String> options(String key, Map<String, String> environment)
            throws Exception
    {
        return bash("berth_cli_aot_options \"$JDK\" \"$AOT_DIR\" " + key + " \"$JAR:$LIB\"", environment);
    }

    private List<String> bash(String command, Map<String, String> environment)
            throws Exception
    {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "set -euo pipefail; . \"${SCRIPT%/*}/lib.sh\"; . \"$SCRIPT\"; " + command);
        builder.environment().putAll(Map.of("SCRIPT", SCRIPT.toString(), "JDK", jdk.toString(), "JAR", jar.toString(), "LIB", library.toString(),
                "AOT_DIR", cacheDirectory.toString()));
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bash did not finish: " + command);
        }
        String output = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return new ArrayList<>(output.lines().toList());
    }

    /** Waits for the background training run to leave this file (its last step), for at most TRAINING_WAIT. */
    private static void awaitFile(Path file)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + TRAINING_WAIT.toNanos();
        while (!Files.exists(file)) {
            assertThat(System.nanoTime()).as("waiting for " + file).isLessThan(deadline);
            Thread.sleep(20);
        }
        // the lock goes last: wait for it too, so the next call may train again
        long lockDeadline = System.nanoTime() + TRAINING_WAIT.toNanos();
        while (lockPresent(file.getParent())) {
            assertThat(System.nanoTime()).as("waiting for the training lock to go").isLessThan(lockDeadline);
            Thread.sleep(20);
        }
    }

    private static boolean lockPresent(Path cacheDirectory)
    {
        try (var entries = Files.list(cacheDirectory)) {
            return entries.anyMatch(entry -> entry.getFileName().toString().endsWith(".lock"));
        }
        catch (IOException e) {
            return false;
        }
    }
}
