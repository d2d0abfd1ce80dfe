package io.berth.agent.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Where a container's cgroup lives on this host: under each controller's hierarchy on cgroup v1 (and the
 * hybrid layout), or in the single unified tree on cgroup v2. runc makes the cgroups; the agent reads them
 * (OOM kills, limits) and sweeps leftovers after a crash.
 */
public final class CgroupLayout
{
    private static final Path DEFAULT_MOUNT = Path.of("/sys/fs/cgroup");

    private final Path mountRoot;
    private final boolean unified;

    public CgroupLayout(Path mountRoot)
    {
        this.mountRoot = requireNonNull(mountRoot, "mountRoot is null");
        this.unified = Files.exists(mountRoot.resolve("cgroup.controllers"));
    }

    /** The layout of this host's /sys/fs/cgroup. */
    public static CgroupLayout host()
    {
        return new CgroupLayout(DEFAULT_MOUNT);
    }

    /** True on a cgroup v2 only host. */
    public boolean isUnified()
    {
        return unified;
    }

    /** The directory of a cgroup in the hierarchy of one controller (on v2, the one unified directory). */
    public Path controllerDirectory(String controller, String cgroupsPath)
    {
        String relative = relative(cgroupsPath);
        return unified ? mountRoot.resolve(relative) : mountRoot.resolve(controller).resolve(relative);
    }

    /** Whether memory+swap can be limited, so a memory limit can also forbid swap. */
    public boolean limitsSwap()
    {
        return unified || Files.exists(mountRoot.resolve("memory/memory.memsw.limit_in_bytes"));
    }

    /** How often the kernel's OOM killer killed a process in the cgroup; empty when the kernel does not say. */
    public OptionalLong oomKillCount(String cgroupsPath)
    {
        Path file = unified
                ? controllerDirectory("memory", cgroupsPath).resolve("memory.events")
                : controllerDirectory("memory", cgroupsPath).resolve("memory.oom_control");
        return readKey(file, "oom_kill");
    }

    /** How often the cgroup hit its memory limit (cgroup v1), for kernels older than 4.13 without oom_kill. */
    public OptionalLong memoryLimitHits(String cgroupsPath)
    {
        if (unified) {
            return readKey(controllerDirectory("memory", cgroupsPath).resolve("memory.events"), "max");
        }
        try {
            Path file = controllerDirectory("memory", cgroupsPath).resolve("memory.failcnt");
            return OptionalLong.of(Long.parseLong(Files.readString(file).strip()));
        }
        catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * CPU time and memory of the cgroup now: cpuacct.usage, memory.usage_in_bytes and
     * memory.max_usage_in_bytes on v1; cpu.stat usage_usec, memory.current and memory.peak on v2. Empty
     * when the cgroup does not exist (any more).
     */
    public Optional<ContainerUsage> usage(String cgroupsPath)
    {
        OptionalLong cpuNanos;
        OptionalLong memory;
        OptionalLong peak;
        if (unified) {
            Path directory = controllerDirectory("cpu", cgroupsPath);
            OptionalLong micros = readKey(directory.resolve("cpu.stat"), "usage_usec");
            cpuNanos = micros.isPresent() ? OptionalLong.of(micros.getAsLong() * 1000) : OptionalLong.empty();
            memory = readNumber(directory.resolve("memory.current"));
            peak = readNumber(directory.resolve("memory.peak"));
        }
        else {
            cpuNanos = readNumber(controllerDirectory("cpuacct", cgroupsPath).resolve("cpuacct.usage"));
            Path directory = controllerDirectory("memory", cgroupsPath);
            memory = readNumber(directory.resolve("memory.usage_in_bytes"));
            peak = readNumber(directory.resolve("memory.max_usage_in_bytes"));
        }
        if (cpuNanos.isEmpty() || memory.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ContainerUsage(cpuNanos.getAsLong(), memory.getAsLong(), peak));
    }

    /** Every directory of the cgroup (and of cgroups below it) that exists in any hierarchy, deepest first. */
    public List<Path> existingDirectories(String cgroupsPath)
            throws IOException
    {
        List<Path> result = new ArrayList<>();
        for (Path hierarchy : hierarchies()) {
            Path directory = hierarchy.resolve(relative(cgroupsPath));
            if (!Files.isDirectory(directory)) {
                continue;
            }
            try (Stream<Path> tree = Files.walk(directory)) {
                tree.filter(Files::isDirectory)
                        .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                        .forEach(result::add);
            }
            catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof NoSuchFileException)) {
                    throw e.getCause();
                }
            }
        }
        return result;
    }

    /** Removes the cgroup from every hierarchy; fails if a process still lives in it. */
    public void remove(String cgroupsPath)
            throws IOException
    {
        for (Path directory : existingDirectories(cgroupsPath)) {
            try {
                // rmdir is how a cgroup is removed; its control files go with it
                Files.deleteIfExists(directory);
            }
            catch (IOException e) {
                throw new IOException("cannot remove cgroup " + directory + ": " + e.getMessage(), e);
            }
        }
    }

    private List<Path> hierarchies()
            throws IOException
    {
        if (unified) {
            return List.of(mountRoot);
        }
        // each v1 controller has its own tree; cpu,cpuacct style symlinks point at the same one
        Set<Path> result = new LinkedHashSet<>();
        try (Stream<Path> entries = Files.list(mountRoot)) {
            for (Path entry : entries.toList()) {
                if (Files.isDirectory(entry)) {
                    result.add(entry.toRealPath());
                }
            }
        }
        return List.copyOf(result);
    }

    private static String relative(String cgroupsPath)
    {
        String relative = cgroupsPath.replaceFirst("^/+", "");
        if (relative.isEmpty() || Path.of(relative).normalize().startsWith("..") || relative.contains("/../")) {
            throw new IllegalArgumentException("invalid cgroup path: " + cgroupsPath);
        }
        return relative;
    }

    private static OptionalLong readNumber(Path file)
    {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(file).strip()));
        }
        catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static OptionalLong readKey(Path file, String key)
    {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.strip().split("\\s+");
                if (fields.length == 2 && fields[0].equals(key)) {
                    return OptionalLong.of(Long.parseLong(fields[1]));
                }
            }
            return OptionalLong.empty();
        }
        catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
