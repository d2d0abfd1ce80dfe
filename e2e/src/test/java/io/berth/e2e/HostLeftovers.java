package io.berth.e2e;

import io.berth.agent.network.CniNetworkConfig;
import io.berth.agent.network.CniTaskNetwork;
import io.berth.agent.network.NetworkException;
import io.berth.common.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * What a Berth with its state in one data directory leaves on this host: runc containers, mounts, loop devices,
 * task network namespaces, cgroups and processes (conmon, the registry). Tests look for leftovers with it, and clean them up when a test
 * failed half way: every process it ends is found by the data directory in its command line and ended by
 * pid.
 */
final class HostLeftovers
{
    private static final Path RUNC = Path.of("/usr/sbin/runc");
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    private final Path dataDirectory;

    HostLeftovers(Path dataDirectory)
    {
        this.dataDirectory = dataDirectory.toAbsolutePath();
    }

    /**
     * Removes the task bridge and firewall tables a stopped `berth up` left (tasks may still run when it stops): a test's
     * bridge is its own, so they go the way an agent removes them once no task holds a network.
     */
    static void removeTaskNetwork(String bridgeName)
            throws IOException
    {
        Path noTasks = Files.createTempDirectory("berth-e2e-no-tasks");
        try {
            new CniTaskNetwork(new CniNetworkConfig(noTasks, CniNetworkConfig.DEFAULT_PLUGIN_DIRECTORY, bridgeName)).removeHostNetworkIfUnused();
        }
        catch (NetworkException e) {
            throw new IOException("cannot remove the task network of bridge " + bridgeName + ": " + e.getMessage(), e);
        }
        finally {
            CliEndToEndTest.deleteRecursively(noTasks);
        }
    }

    Path runcRoot()
    {
        return dataDirectory.resolve("agent/runtime/runc");
    }

    /** runc's containers in this Berth's runc root: id, pid and status ("running", "stopped", ...). */
    List<String[]> runcContainers()
    {
        if (!Files.isDirectory(runcRoot())) {
            return List.of();
        }
        String listing = run(RUNC.toString(), "--root", runcRoot().toString(), "list", "--format", "table");
        return listing.lines().skip(1).filter(line -> !line.isBlank())
                .map(line -> line.strip().split("\\s+"))
                .map(fields -> new String[] {fields[0], fields[1], fields[2]})
                .toList();
    }

    /** Mount points at or below the data directory. */
    List<String> mounts()
    {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo"), UTF_8).stream()
                    .map(line -> line.split(" ")[4])
                    .map(HostLeftovers::unescapeMountPoint)
                    .filter(mountPoint -> Path.of(mountPoint).startsWith(dataDirectory))
                    .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Processes whose command line names the data directory: conmon, the registry, berth up itself. */
    List<ProcessHandle> processes()
    {
        String directory = dataDirectory.toString();
        return ProcessHandle.allProcesses()
                .filter(process -> process.pid() != ProcessHandle.current().pid())
                .filter(process -> process.info().commandLine().map(line -> line.contains(directory)).orElse(false))
                .toList();
    }

    List<ProcessHandle> processes(String executableName)
    {
        return processes().stream()
                .filter(process -> process.info().command().map(command -> Path.of(command).getFileName().toString().equals(executableName)).orElse(false))
                .toList();
    }

    /** This host's id, which names its cgroups (berth/HOST_ID/...). */
    String hostId()
    {
        try {
            return Files.readString(dataDirectory.resolve("agent/host-id"), UTF_8).strip();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** cgroup directories (any hierarchy, v1 or v2) below berth/HOST_ID whose name contains the text. */
    List<Path> cgroups(String nameContains)
    {
        List<Path> found = new ArrayList<>();
        for (Path hostDirectory : hostCgroups(hostId())) {
            if (!Files.isDirectory(hostDirectory)) {
                continue;
            }
            try (Stream<Path> cgroups = Files.walk(hostDirectory)) {
                cgroups.filter(Files::isDirectory)
                        .filter(path -> !path.equals(hostDirectory))
                        .filter(path -> path.getFileName().toString().contains(nameContains))
                        .forEach(found::add);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    /** The cgroup directories of a host (berth/HOST_ID), one per hierarchy on cgroup v1, that exist. */
    static List<Path> hostCgroups(String hostId)
    {
        List<Path> hostDirectories = new ArrayList<>();
        if (Files.exists(CGROUP_ROOT.resolve("cgroup.controllers"))) {
            hostDirectories.add(CGROUP_ROOT.resolve("berth").resolve(hostId));
        }
        else {
            try (Stream<Path> hierarchies = Files.list(CGROUP_ROOT)) {
                hierarchies.map(hierarchy -> hierarchy.resolve("berth").resolve(hostId)).forEach(hostDirectories::add);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return hostDirectories.stream().filter(Files::isDirectory).toList();
    }

    /**
     * Removes a host's cgroup directories once they are empty. The agent leaves berth/HOST_ID behind when it
     * stops with containers still running (they keep their cgroups there), or when a test ends it by force.
     */
    static void removeHostCgroups(String hostId)
    {
        for (Path hostDirectory : hostCgroups(hostId)) {
            try (Stream<Path> cgroups = Files.walk(hostDirectory)) {
                // rmdir, deepest first; a cgroup's control files go with it
                for (Path cgroup : cgroups.filter(Files::isDirectory).sorted(Comparator.comparing(Path::getNameCount).reversed()).toList()) {
                    Files.deleteIfExists(cgroup);
                }
            }
            catch (IOException e) {
                // a cgroup with a process left in it: leave it for whoever looks
            }
        }
    }

    /** Ends everything this Berth left, then deletes the data directory; for after a failed test. */
    void cleanUpAndDelete()
    {
        for (ProcessHandle process : processes()) {
            process.destroyForcibly();
        }
        for (String[] container : runcContainers()) {
            run(RUNC.toString(), "--root", runcRoot().toString(), "kill", container[0], "KILL");
            run(RUNC.toString(), "--root", runcRoot().toString(), "delete", "--force", container[0]);
        }
        for (ProcessHandle process : processes()) {
            process.destroyForcibly();
        }
        List<String> mounts = new ArrayList<>(mounts());
        mounts.sort(Comparator.comparing(String::length).reversed());
        for (String mountPoint : mounts) {
            run("umount", "-l", mountPoint);
        }
        // a task's storage is a loop device over an image in the data directory, which outlives its (lazy) unmount
        for (String device : loopDevices()) {
            run("losetup", "--detach", device);
        }
        // and its network a named namespace, which the agent's network state names
        for (String namespace : taskNetworkNamespaces()) {
            if (Files.exists(Path.of("/run/netns", namespace))) {
                run("ip", "netns", "delete", namespace);
            }
        }
        if (Files.exists(dataDirectory.resolve("agent/host-id"))) {
            removeHostCgroups(hostId());
        }
        try {
            CliEndToEndTest.deleteRecursively(dataDirectory);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The loop devices whose backing file is in the data directory (deleted or not), as /dev/loopN. */
    List<String> loopDevices()
    {
        List<String> devices = new ArrayList<>();
        try (Stream<Path> blocks = Files.list(Path.of("/sys/block"))) {
            for (Path block : blocks.filter(path -> path.getFileName().toString().startsWith("loop")).toList()) {
                Path backingFile = block.resolve("loop/backing_file");
                if (Files.exists(backingFile) && Files.readString(backingFile, UTF_8).strip().startsWith(dataDirectory + "/")) {
                    devices.add("/dev/" + block.getFileName());
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return devices;
    }

    /** The network namespaces of this Berth's tasks and of those it made ahead, named in its agent's network state. */
    List<String> taskNetworkNamespaces()
    {
        List<String> namespaces = new ArrayList<>();
        for (String kind : List.of("tasks", "warm")) {
            Path states = dataDirectory.resolve("agent/network").resolve(kind);
            if (!Files.isDirectory(states)) {
                continue;
            }
            try (Stream<Path> files = Files.list(states)) {
                for (Path file : files.filter(path -> path.getFileName().toString().endsWith(".json")).toList()) {
                    try {
                        String namespace = Json.mapper().readTree(file.toFile()).path("namespace").asText("");
                        if (namespace.matches("[A-Za-z0-9_.-]+")) {
                            namespaces.add(namespace);
                        }
                    }
                    catch (IOException e) {
                        // a state file cut short names nothing
                    }
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return namespaces;
    }

    static String unescapeMountPoint(String field)
    {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    static String run(String... command)
    {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return new String(output, UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
