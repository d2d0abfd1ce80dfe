package io.berth.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host command to completion with a time limit, keeping its output in a file so pipes never fill. */
final class HostCommands
{
    record Result(int exitCode, String output) {}

    private HostCommands() {}

    static Result run(List<String> command, Path outputFile, Duration timeout)
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(outputFile.toFile())
                .redirectErrorStream(true)
                .start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
        }
        return new Result(process.exitValue(), Files.readString(outputFile, StandardCharsets.UTF_8));
    }

    static String runOrThrow(List<String> command, Path outputFile, Duration timeout)
            throws IOException, InterruptedException
    {
        Result result = run(command, outputFile, timeout);
        if (result.exitCode() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + result.exitCode() + "): " + result.output().strip());
        }
        return result.output();
    }
}
