package io.berth.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** What directory trees hold on disk, for tests of what a store keeps. */
public final class DiskUsage
{
    private DiskUsage() {}

    /** Bytes of the regular files under the roots: links not followed, a hard-linked file counted once. */
    public static long regularFileBytes(List<Path> roots)
            throws IOException
    {
        long total = 0;
        Set<Object> seen = new HashSet<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.toList()) {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (attributes.isRegularFile() && seen.add(attributes.fileKey())) {
                        total += attributes.size();
                    }
                }
            }
        }
        return total;
    }
}
