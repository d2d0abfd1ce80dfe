package io.berth.agent.rootfs;

import io.berth.agent.userns.LinuxSyscalls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The kernel's view of what is mounted where, from /proc/self/mountinfo. The kernel is the truth after a
 * crash: a directory that looks empty may still be a mount point.
 * <p>
 * The table has a line per mount, some five for each running task, and a task's start and stop asked about a path some
 * ten times: with fifty tasks running each question read and parsed 278 lines (0.7 ms, docs/benchmarks.md). So the table
 * of this process asks the kernel about the one path (statx) and reads the table only when the kernel cannot tell, and
 * a read takes only the field it needs from each line.
 */
public final class MountTable
{
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private final Path mountInfo;
    /** Whether the table is this process's own, which the kernel answers for one path too. */
    private final boolean kernelAsked;

    public MountTable()
    {
        this(MOUNTINFO, true);
    }

    MountTable(Path mountInfo)
    {
        this(mountInfo, false);
    }

    private MountTable(Path mountInfo, boolean kernelAsked)
    {
        this.mountInfo = mountInfo;
        this.kernelAsked = kernelAsked;
    }

    public boolean isMountPoint(Path path)
            throws IOException
    {
        Path absolute = path.toAbsolutePath().normalize();
        if (kernelAsked) {
            Optional<Boolean> mounted = LinuxSyscalls.isMountRoot(absolute);
            if (mounted.isPresent()) {
                return mounted.get();
            }
        }
        return mountPoints().contains(absolute);
    }

    /** Mount points at or below directory, deepest first, so they can be unmounted in that order. */
    public List<Path> mountPointsUnder(Path directory)
            throws IOException
    {
        Path base = directory.toAbsolutePath().normalize();
        String prefix = base.toString();
        Set<Path> under = new LinkedHashSet<>();
        for (String line : Files.readAllLines(mountInfo)) {
            String mountPoint = mountPointOf(line);
            // a path under base starts with its text: most lines are let go without a Path made of them
            if (mountPoint != null && mountPoint.startsWith(prefix)) {
                Path path = Path.of(mountPoint);
                if (path.startsWith(base)) {
                    under.add(path);
                }
            }
        }
        return under.stream()
                .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                .toList();
    }

    public Set<Path> mountPoints()
            throws IOException
    {
        return Files.readAllLines(mountInfo).stream()
                .map(MountTable::mountPointOf)
                .filter(Objects::nonNull)
                .map(Path::of)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The mount point a mountinfo line names (its fifth field, unescaped); null for a line of fewer fields. */
    static String mountPointOf(String line)
    {
        int start = 0;
        for (int field = 0; field < 4; field++) {
            start = line.indexOf(' ', start) + 1;
            if (start == 0) {
                return null;
            }
        }
        int end = line.indexOf(' ', start);
        String field = end < 0 ? line.substring(start) : line.substring(start, end);
        return field.indexOf('\\') < 0 ? field : unescape(field);
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
