package io.berth.e2e;

import io.berth.common.files.FileTrees;
import io.berth.testing.ImageFile;
import io.berth.testing.TestImageConfig;
import io.berth.testing.TestImages;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The escape suite's image: busybox plus {@code /bin/escape-probe} (escape-probe.c built static with gcc, the attacker's
 * system calls) and a setuid-root copy of it, {@code /bin/escape-probe-setuid}.
 */
final class EscapeProbeImage
{
    private static final long COMPILE_TIMEOUT_SECONDS = 120;

    private EscapeProbeImage() {}

    /** Builds the probe and the image and pushes it into the operator's repository of Berth's registry; returns the image reference. */
    static String push(BerthEnvironment berth)
            throws IOException, InterruptedException
    {
        Path work = Files.createTempDirectory("berth-escape-probe");
        try {
            Path source = work.resolve("escape-probe.c");
            try (InputStream resource = EscapeProbeImage.class.getResourceAsStream("/escape-probe.c")) {
                Files.copy(resource, source);
            }
            Path binary = work.resolve("escape-probe");
            compile(source, binary);
            var layout = TestImages.buildOciLayout(work.resolve("layout"), "latest", TestImageConfig.busybox(), List.of(
                    new ImageFile("bin/escape-probe", binary, 0755),
                    new ImageFile("bin/escape-probe-setuid", binary, 04755)));
            return berth.pushAs(berth.berth().operatorKey().account().accountId(), layout, "e2e/escape-probe:latest");
        }
        finally {
            FileTrees.deleteRecursively(work);
        }
    }

    private static void compile(Path source, Path binary)
            throws IOException, InterruptedException
    {
        Process gcc = new ProcessBuilder("gcc", "-static", "-O1", "-Wall", "-o", binary.toString(), source.toString())
                .redirectErrorStream(true)
                .start();
        if (!gcc.waitFor(COMPILE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            gcc.destroyForcibly();
            throw new IOException("gcc did not build escape-probe.c within " + COMPILE_TIMEOUT_SECONDS + " s");
        }
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (gcc.exitValue() != 0) {
            throw new IOException("gcc failed to build escape-probe.c (needs gcc and libc6-dev): " + output);
        }
    }
}
