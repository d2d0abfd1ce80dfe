package io.berth.agent.rootfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The kernel's view of what is mounted where, from /proc/self/mountinfo. The kernel is the truth after a
 * crash: a directory that looks empty may still be a mount point.
 */
public final class MountTable
{
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private final Path mountInfo;

    public MountTable()
    {
        this(MOUNTINFO);
    }

    MountTable(Path mountInfo)
    {
        this.mountInfo = mountInfo;
    }

    public boolean isMountPoint(Path path)
            throws IOException
    {
        return mountPoints().contains(path.toAbsolutePath().normalize());
    }

    /** Mount points at or below directory, deepest first, so they can be unmounted in that order. */
    public List<Path> mountPointsUnder(Path directory)
            throws IOException
    {
        Path base = directory.toAbsolutePath().normalize();
        return mountPoints().stream()
                .filter(mountPoint -> mountPoint.startsWith(base))
                .sorted((left, right) -> Integer.compare(right.getNameCount(), left.getNameCount()))
                .toList();
    }

    public Set<Path> mountPoints()
            throws IOException
    {
        return Files.readAllLines(mountInfo).stream()
                .map(line -> line.split(" "))
                .filter(fields -> fields.length > 4)
                .map(fields -> Path.of(unescape(fields[4])))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** mountinfo writes space, tab, newline and backslash in paths as a backslash and three octal digits. */
    static String unescape(String field)
    {
        StringBuilder result = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                result.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            }
            else {
                result.append(c);
            }
        }
        return result.toString();
    }

    private static boolean isOctal(String field, int start)
    {
        if (start + 3 > field.length()) {
            return false;
        }
        for (int i = start; i < start + 3; i++) {
            char c = field.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
