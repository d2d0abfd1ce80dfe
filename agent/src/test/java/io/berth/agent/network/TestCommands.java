package io.berth.agent.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The host commands the network integration tests probe with: any command, failing with its output, and busybox's
 * wget, ping and httpd inside a network namespace. A probe that gets no answer fails with IOException, so a test can
 * assert that traffic is blocked.
 */
final class TestCommands
{
    private TestCommands() {}

    static String run(String... command)
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("failed: " + String.join(" ", command) + "\n" + output);
        }
        return output;
    }

    /** For attacks: a command that is expected to get no answer, where only its effect is checked. */
    static void runIgnoringFailure(String... command)
            throws InterruptedException
    {
        try {
            run(command);
        }
        catch (IOException e) {
            // no answer is what the attack should get
        }
    }

    /** The body at url, fetched from inside the namespace within five seconds. */
    static String wget(String namespace, String url)
            throws IOException, InterruptedException
    {
        return run("ip", "netns", "exec", namespace, "timeout", "5", "/bin/busybox", "wget", "-q", "-O", "-", url);
    }

    /** One ping from inside the namespace, waiting two seconds for the answer. */
    static String ping(String namespace, String address)
            throws IOException, InterruptedException
    {
        return run("ip", "netns", "exec", namespace, "timeout", "5", "/bin/busybox", "ping", "-c", "1", "-W", "2", address);
    }

    /** A web server on listen (a port, or address:port) inside the namespace, serving the files below root. */
    static Process httpd(String namespace, String listen, Path root)
            throws IOException
    {
        return new ProcessBuilder("ip", "netns", "exec", namespace, "/bin/busybox", "httpd", "-f", "-p", listen, "-h", root.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
