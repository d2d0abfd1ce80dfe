package io.berth.cli.aot;

import io.berth.cli.Main;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Runs the everyday commands (run, ps, logs, stop, --version) end to end as a user runs them, so that the cache holds
 * what exactly those commands load, link and initialise: picocli's model of each, Jackson, SigV4, the JDK's
 * HttpClient and TLS 1.3 with the certificate check against a cluster CA given by AWS_CA_BUNDLE. The control plane is
 * a {@link TrainingControlPlane} in a child JVM serving HTTPS with a throwaway CA; nothing runs anywhere. No help
 * text is trained: it would build every command, and every class the cache holds is loaded at each start.
 */
public final class AotTraining
{
    private static final long CONTROL_PLANE_STOP_SECONDS = 10;

    private AotTraining() {}

    public static void main(String[] args)
            throws IOException, InterruptedException
    {
        Path directory = Files.createTempDirectory("berth-aot-training");
        Process controlPlane = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                TrainingControlPlane.class.getName(), directory.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        int failures = 0;
        try {
            String endpoint = "https://127.0.0.1:" + port(controlPlane);
            // as berth.env sets them; the keys are throwaway ones that the stand-in does not check
            Map<String, String> environment = Map.of(
                    "BERTH_ENDPOINT", endpoint,
                    "AWS_CA_BUNDLE", directory.resolve("ca.pem").toString(),
                    "AWS_ACCESS_KEY_ID", "AKIAAOTTRAINING00000",
                    "AWS_SECRET_ACCESS_KEY", "aot-training-secret",
                    "AWS_DEFAULT_REGION", "us-east-1");
            for (List<String> command : List.of(
                    List.of("run", TrainingControlPlane.IMAGE, "--", "echo", "hi"),
                    List.of("ps"),
                    List.of("ps", "-a"),
                    List.of("logs", TrainingControlPlane.TASK_ARN),
                    List.of("stop", TrainingControlPlane.TASK_ARN),
                    List.of("--version"))) {
                if (Main.run(environment, command.toArray(String[]::new)) != 0) {
                    System.err.println("aot training: berth " + String.join(" ", command) + " failed");
                    failures++;
                }
            }
        }
        finally {
            stop(controlPlane);
            delete(directory);
        }
        // a failed command still trained most of what it loaded: the cache is made either way
        System.err.println("aot training: done, " + failures + " command(s) failed");
    }

    private static int port(Process controlPlane)
            throws IOException
    {
        BufferedReader output = new BufferedReader(new InputStreamReader(controlPlane.getInputStream(), UTF_8));
        String line = output.readLine();
        if (line == null || !line.startsWith(TrainingControlPlane.LISTENING)) {
            throw new IOException("the training control plane did not start (it said: " + line + ")");
        }
        return Integer.parseInt(line.substring(TrainingControlPlane.LISTENING.length()).strip());
    }

    private static void stop(Process controlPlane)
            throws InterruptedException
    {
        try {
            controlPlane.getOutputStream().close();
        }
        catch (IOException e) {
            // it is gone already
        }
        if (!controlPlane.waitFor(CONTROL_PLANE_STOP_SECONDS, TimeUnit.SECONDS)) {
            controlPlane.destroyForcibly();
        }
    }

    private static void delete(Path directory)
            throws IOException
    {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
