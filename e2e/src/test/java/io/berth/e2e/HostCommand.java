package io.berth.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command a user would (aws, skopeo) with a deadline, feeding stdin and capturing what it printed. */
record HostCommand(int exitCode, String output)
{
    static HostCommand run(List<String> command, Map<String, String> environment, String stdin, Duration timeout)
            throws IOException, InterruptedException
    {
        Path output = Files.createTempFile("berth-e2e-command", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            try (OutputStream input = process.getOutputStream()) {
                if (stdin != null) {
                    input.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IOException(command.getFirst() + " did not finish within " + timeout + ": " + Files.readString(output));
            }
            return new HostCommand(process.exitValue(), Files.readString(output));
        }
        finally {
            Files.deleteIfExists(output);
        }
    }
}
