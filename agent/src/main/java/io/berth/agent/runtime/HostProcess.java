package io.berth.agent.runtime;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a short host command (runc) to completion and captures what it printed. */
final class HostProcess
{
    private HostProcess() {}

    static ProcessOutput run(List<String> command, Duration timeout)
    {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            String stdout = readAll(process.getInputStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new UncheckedIOException(new IOException(command.getFirst() + " " + command.subList(1, command.size()) + " did not finish within " + timeout));
            }
            return new ProcessOutput(process.exitValue(), stdout, stderr.join());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while running " + command.getFirst()));
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
