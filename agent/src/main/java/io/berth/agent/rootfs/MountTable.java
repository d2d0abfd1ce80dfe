package io.berth.agent.rootfs;

import io.berth.agent.userns.LinuxSyscalls;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
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
 * ten times: with fifty tasks running each question read and parsed 278 lines (0.7 ms, docs/benchmarks.md), and a
 * stop's four looks for what is mounted under its directories cost it more the more tasks the host ran. So the table
 * of this process asks the kernel about the paths themselves (statx: one path, or the few under a task's directory) and
 * reads the table only when the kernel cannot tell, and a read takes only the field it needs from each line.
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

    /** A table read from mountInfo that asks the kernel too, when kernelAsked: for tests that show which one answered. */
    MountTable(Path mountInfo, boolean kernelAsked)
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

    /**
     * Mount points at or below directory, deepest first, so they can be unmounted in that order. When the kernel tells
     * (statx), a mount under another mount is not listed: the tree is not walked into a mount (a container's root
     * filesystem would be walked whole), and unmounting the outer one detaches it too (lazily, as for a busy mount).
     */
    public List<Path> mountPointsUnder(Path directory)
            throws IOException
    {
        Path base = directory.toAbsolutePath().normalize();
        if (kernelAsked) {
            Optional<List<Path>> walked = mountRootsUnder(base);
            if (walked.isPresent()) {
                return walked.get();
            }
        }
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

    /**
     * The mount points at or below base as statx tells them, found by walking the tree (links not followed, mounts not
     * walked into); empty when the kernel cannot tell for a path (the caller reads the table then).
     */
    private static Optional<List<Path>> mountRootsUnder(Path base)
            throws IOException
    {
        List<Path> found = new ArrayList<>();
        boolean[] untold = {false};
        Files.walkFileTree(base, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes)
                    throws IOException
            {
                return visit(directory, FileVisitResult.SKIP_SUBTREE);
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                    throws IOException
            {
                // a file can be bound over too; a link is never a mount point (statx does not follow it)
                return attributes.isSymbolicLink() ? FileVisitResult.CONTINUE : visit(file, FileVisitResult.CONTINUE);
            }

            private FileVisitResult visit(Path path, FileVisitResult ifMounted)
                    throws IOException
            {
                Optional<Boolean> mounted = LinuxSyscalls.isMountRoot(path);
                if (mounted.isEmpty()) {
                    untold[0] = true;
                    return FileVisitResult.TERMINATE;
                }
                if (mounted.get()) {
                    found.add(path);
                    return ifMounted;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure)
                    throws IOException
            {
                // gone meanwhile (or base never was): nothing is mounted there
                if (failure instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw failure;
            }
        });
        if (untold[0]) {
            return Optional.empty();
        }
        return Optional.of(found.stream()
                .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                .toList());
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
