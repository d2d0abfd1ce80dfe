package io.berth.benchmarks;

import io.berth.testing.TestPostgres;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * What every benchmark's main does around its body: parse the options, check it runs as root with runc and conmon,
 * run the body with a {@link CleanupStack} that removes everything it started (also on failure or a signal), and
 * exit with 0, 1 (failed) or 2 (bad options).
 */
final class BenchmarkMain
{
    interface Body<O>
    {
        void run(O options, CleanupStack cleanup, PrintStream out)
                throws IOException, InterruptedException;
    }

    private BenchmarkMain() {}

    static void run(String[] arguments, Body<BenchmarkOptions> body)
    {
        run(arguments, BenchmarkOptions::parse, (options, cleanup, out) -> {
            checkPrerequisites(options);
            body.run(options, cleanup, out);
        });
    }

    /** As {@link #run(String[], Body)}, for a benchmark with options of its own (parse throws IllegalArgumentException for bad ones) and no runc. */
    static <O> void run(String[] arguments, Function<List<String>, O> parse, Body<O> body)
    {
        O options;
        try {
            options = parse.apply(List.of(arguments));
        }
        catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        CleanupStack cleanup = new CleanupStack();
        int exitCode = 0;
        try (cleanup) {
            body.run(options, cleanup, System.out);
        }
        catch (IOException | RuntimeException e) {
            System.err.println("bench: failed: " + e.getMessage());
            exitCode = 1;
        }
        catch (InterruptedException e) {
            System.err.println("bench: interrupted");
            exitCode = 1;
        }
        if (cleanup.shuttingDown()) {
            // the JVM is exiting on a signal; System.exit now would block until the cleanup hook gave up
            System.err.println("bench: stopped by a signal; everything it started is removed");
            return;
        }
        System.exit(exitCode);
    }

    /** A fresh PostgreSQL database on the server BERTH_TEST_POSTGRES_URL names, dropped by the cleanup; why: what it is for. */
    static TestPostgres freshPostgres(CleanupStack cleanup, String why)
            throws IOException
    {
        if (System.getenv(TestPostgres.URL_VARIABLE) == null) {
            throw new IOException("set " + TestPostgres.URL_VARIABLE + "=jdbc:postgresql://127.0.0.1:5432/postgres?user=...&password=... (a role with CREATEDB): " + why);
        }
        TestPostgres postgres = TestPostgres.create();
        cleanup.push("PostgreSQL database " + postgres.databaseName(), postgres::close);
        return postgres;
    }

    private static void checkPrerequisites(BenchmarkOptions options)
            throws IOException
    {
        String uid = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("Uid:"))
                .map(line -> line.split("\\s+")[1])
                .findFirst().orElse("");
        if (!uid.equals("0")) {
            throw new IOException("run as root (sudo bash scripts/bench.sh): runc, overlay mounts, cgroups and network namespaces need it");
        }
        for (Path binary : List.of(options.runcBinary(), options.conmonBinary())) {
            if (!Files.isExecutable(binary)) {
                throw new IOException(binary + " not found: install Debian's runc and conmon packages (scripts/lib.sh lists them)");
            }
        }
    }

    /** The current load average, to print next to the figures of a shared machine. */
    static String loadAverage()
            throws IOException
    {
        return Files.readString(Path.of("/proc/loadavg")).strip();
    }

    /** Where this JVM's slf4j simple logger writes (scripts/bench.sh sets it), if anywhere but the console. */
    static List<Path> ownLogFile()
    {
        String file = System.getProperty("org.slf4j.simpleLogger.logFile");
        return file == null || file.equals("System.err") || file.equals("System.out") ? List.of() : List.of(Path.of(file));
    }
}
