package io.berth.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Temporary directories the benchmark works in, and their removal. A directory that still holds a mount
 * (an overlay rootfs a failed run left behind) is unmounted first, so the delete never walks into a
 * mounted filesystem.
 */
final class ScratchDirectories
{
    private static final Path MOUNTS = Path.of("/proc/self/mounts");

    private ScratchDirectories() {}

    static Path create(CleanupStack cleanup, String prefix)
            throws IOException
    {
        Path directory = Files.createTempDirectory(prefix).toRealPath();
        cleanup.push("directory " + directory, () -> remove(directory));
        return directory;
    }

    static void remove(Path directory)
            throws IOException, InterruptedException
    {
        if (!Files.exists(directory)) {
            return;
        }
        List<Path> mounted = mountsUnder(directory);
        for (Path mountPoint : mounted) {
            Process umount = new ProcessBuilder("umount", mountPoint.toString()).redirectErrorStream(true).start();
            umount.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            umount.waitFor(30, TimeUnit.SECONDS);
        }
        List<Path> stillMounted = mountsUnder(directory);
        if (!stillMounted.isEmpty()) {
            throw new IOException("not deleting " + directory + ": still mounted there: " + stillMounted);
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Mount points at or below directory, deepest first. */
    private static List<Path> mountsUnder(Path directory)
            throws IOException
    {
        try (Stream<String> lines = Files.lines(MOUNTS)) {
            return lines.map(line -> line.split(" "))
                    .filter(fields -> fields.length > 1)
                    .map(fields -> Path.of(fields[1].replace("\\040", " ")))
                    .filter(mountPoint -> mountPoint.startsWith(directory))
                    .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                    .toList();
        }
    }
}
