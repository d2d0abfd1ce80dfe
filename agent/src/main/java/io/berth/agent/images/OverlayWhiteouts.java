package io.berth.agent.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes overlayfs's own deletion markers into an unpacked layer: a whiteout is a 0/0 character device, an
 * opaque directory carries the xattr {@code trusted.overlay.opaque=y}. Java can neither mknod nor set
 * {@code trusted.*} attributes, so this runs {@code mknod} (coreutils) and {@code setfattr} (Debian package
 * {@code attr}); both need root, as overlayfs itself does.
 */
public class OverlayWhiteouts
{
    public void createWhiteout(Path path)
            throws IOException
    {
        run(List.of("mknod", path.toString(), "c", "0", "0"));
    }

    public void markOpaque(Path directory)
            throws IOException
    {
        run(List.of("setfattr", "-n", "trusted.overlay.opaque", "-v", "y", directory.toString()));
    }

    private static void run(List<String> command)
            throws IOException
    {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (IOException e) {
            throw new IOException("cannot run %s (install %s): %s".formatted(command.get(0), command.get(0).equals("setfattr") ? "the attr package" : "coreutils", e.getMessage()), e);
        }
        try {
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new IOException("%s failed (exit %d): %s".formatted(String.join(" ", command), process.exitValue(), output));
            }
        }
        catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
    }
}
