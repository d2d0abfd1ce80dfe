package io.berth.agent.images;

import io.berth.agent.process.HostProcess;
import io.berth.agent.process.ProcessOutput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Writes overlayfs's own deletion markers into an unpacked layer: a whiteout is a 0/0 character device, an
 * opaque directory carries the xattr {@code trusted.overlay.opaque=y}. Java can neither mknod nor set
 * {@code trusted.*} attributes, so this runs {@code mknod} (coreutils) and {@code setfattr} (Debian package
 * {@code attr}); both need root, as overlayfs itself does.
 */
public class OverlayWhiteouts
{
    /** A mknod or setfattr on a local file: seconds at most, unless the file system hangs. */
    private static final Duration DEADLINE = Duration.ofSeconds(30);

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
        ProcessOutput output;
        try {
            output = HostProcess.run(command, DEADLINE);
        }
        catch (UncheckedIOException e) {
            String hint = command.getFirst().equals("setfattr") ? "the attr package" : "coreutils";
            throw new IOException("cannot run %s (install %s if it is missing): %s".formatted(command.getFirst(), hint, e.getMessage()), e);
        }
        if (!output.succeeded()) {
            throw new IOException("%s failed (exit %d): %s".formatted(String.join(" ", command), output.exitCode(), (output.stdout() + output.stderr()).strip()));
        }
    }
}
