package io.berth.agent.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.agent.userns.IdMapping;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Writes the OCI runtime spec (runc's config.json) for a container: its process, user, mounts, namespaces,
 * cgroup limits and the narrowed privileges every Berth container gets (Docker's default capabilities, no
 * new privileges, masked /proc paths, a deny-list seccomp profile), narrowed further as the task asks
 * ({@link ContainerHardening}: read-only root, fewer capabilities, an init as PID 1, resource limits).
 */
public final class OciSpecBuilder
{
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** Docker's default capabilities: enough for ordinary images, none that reach beyond the container. */
    public static final List<String> DEFAULT_CAPABILITIES = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
            "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
            "CAP_AUDIT_WRITE");

    /** The paths `runc spec` hides and makes read-only by default. */
    static final List<String> MASKED_PATHS = List.of(
            "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
            "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi");
    static final List<String> READONLY_PATHS = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    /** Fargate's default open-files limit. */
    static final long OPEN_FILES_LIMIT = 65535;

    /**
     * Debian's tini, statically linked: it runs inside the container's root filesystem, which may have no C
     * library at all (busybox images).
     */
    public static final Path DEFAULT_INIT_BINARY = Path.of("/usr/bin/tini-static");
    /**
     * Where the init binary appears in the container: on /dev, a tmpfs of the container's own, so the mount
     * point never lands in the image's files (Docker uses /sbin/docker-init in the writable layer).
     */
    static final String INIT_PATH = "/dev/init";

    private static final Pattern CGROUP_PARENT = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");
    private static final int MAX_HOSTNAME_LENGTH = 63;

    private final String cgroupParent;
    private final CgroupLayout cgroups;
    private final long openFilesLimit;
    private final Path initBinary;

    /**
     * @param cgroupParent the cgroup (relative to each hierarchy's root, e.g. "berth" or "berth/agent-2")
     * under which every container of this runtime gets its own cgroup, so agents on one host never collide
     */
    public OciSpecBuilder(String cgroupParent, CgroupLayout cgroups)
    {
        // raising a hard limit needs CAP_SYS_RESOURCE, which an agent in a container may lack
        this(cgroupParent, cgroups, Math.min(OPEN_FILES_LIMIT, OpenFilesLimit.hardLimitOfThisProcess()));
    }

    public OciSpecBuilder(String cgroupParent, CgroupLayout cgroups, long openFilesLimit)
    {
        this(cgroupParent, cgroups, openFilesLimit, DEFAULT_INIT_BINARY);
    }

    /** @param initBinary the static init (tini) bind-mounted into containers that ask for an init process */
    public OciSpecBuilder(String cgroupParent, CgroupLayout cgroups, long openFilesLimit, Path initBinary)
    {
        requireNonNull(cgroupParent, "cgroupParent is null");
        String trimmed = cgroupParent.replaceAll("^/+|/+$", "");
        if (!CGROUP_PARENT.matcher(trimmed).matches() || trimmed.contains("..")) {
            throw new IllegalArgumentException("invalid cgroup parent: " + cgroupParent);
        }
        this.cgroupParent = trimmed;
        this.cgroups = requireNonNull(cgroups, "cgroups is null");
        this.openFilesLimit = openFilesLimit;
        this.initBinary = requireNonNull(initBinary, "initBinary is null");
    }

    /** The container's cgroup path as runc takes it, the same in every hierarchy. */
    public String cgroupsPath(String containerId)
    {
        return "/" + cgroupParent + "/" + containerId;
    }

    /**
     * @param hostsFile the file bind-mounted read-only as the container's /etc/hosts
     * @param hostnameFile the file bind-mounted read-only as the container's /etc/hostname
     */
    public ObjectNode build(ContainerLaunch launch, Path hostsFile, Path hostnameFile)
            throws ContainerStartException
    {
        return build(launch, hostsFile, hostnameFile, null);
    }

    /**
     * @param resolvConfFile when not null, bind-mounted read-only as the container's /etc/resolv.conf (for
     * containers in a task network, which reaches the host's name servers)
     */
    public ObjectNode build(ContainerLaunch launch, Path hostsFile, Path hostnameFile, Path resolvConfFile)
            throws ContainerStartException
    {
        return build(launch, hostsFile, hostnameFile, resolvConfFile, null);
    }

    /**
     * @param sysfs when not null, a sysfs already mounted from the container's network namespace, bind-mounted
     * read-only as its /sys. A container in a user namespace that joins a network namespace made outside it (the
     * task's) may not mount sysfs itself: the kernel lets only the network namespace's owner (here the host)
     * mount one, and runc 1.1.5 has no fallback. Docker binds the host's /sys then, which would show the host's
     * network devices; a sysfs mounted from the task's network namespace shows exactly what a fresh one would.
     */
    public ObjectNode build(ContainerLaunch launch, Path hostsFile, Path hostnameFile, Path resolvConfFile, Path sysfs)
            throws ContainerStartException
    {
        if (launch.idMapping() != null && launch.networkNamespacePath() != null && sysfs == null) {
            throw new ContainerStartException("a container in a user namespace that joins the network namespace " + launch.networkNamespacePath()
                    + " needs a sysfs mounted from that network namespace");
        }
        if (launch.args().isEmpty()) {
            throw new ContainerStartException("no command to run: the image has no entrypoint or command and the task sets none");
        }
        ResolvedUser user = UserResolver.resolve(launch.rootfs(), launch.user());
        ContainerHardening hardening = launch.hardening();
        if (hardening.runInit() && !Files.isRegularFile(initBinary)) {
            throw new ContainerStartException("initProcessEnabled needs an init binary, and " + initBinary
                    + " is missing on this host: install Debian's tini package");
        }

        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode spec = json.objectNode();
        spec.put("ociVersion", "1.0.2");
        spec.set("process", process(launch, user));
        ObjectNode root = spec.putObject("root");
        root.put("path", launch.rootfs().toAbsolutePath().toString());
        // runc makes the mounts first and then remounts the root read-only, so the mount points still appear
        root.put("readonly", hardening.readonlyRootfs());
        spec.put("hostname", hostname(launch));
        ArrayNode mounts = mounts(hostsFile, hostnameFile, resolvConfFile, sysfs);
        for (VolumeBind volume : launch.volumes()) {
            // rbind and the ro/rw flag alike under runc and runsc (gVisor's gofer serves a bind mount, shared by default:
            // a write by another container's sandbox is seen here)
            mount(mounts, volume.destination(), "bind", volume.source().toAbsolutePath().toString(), "rbind", volume.readOnly() ? "ro" : "rw", "nosuid", "nodev");
        }
        if (hardening.runInit()) {
            mount(mounts, INIT_PATH, "bind", initBinary.toAbsolutePath().toString(), "rbind", "ro", "nosuid", "nodev");
        }
        spec.set("mounts", mounts);
        spec.set("linux", linux(launch));
        return spec;
    }

    static String hostname(ContainerLaunch launch)
    {
        String hostname = launch.hostname() == null || launch.hostname().isBlank() ? launch.containerId() : launch.hostname();
        return hostname.length() > MAX_HOSTNAME_LENGTH ? hostname.substring(0, MAX_HOSTNAME_LENGTH) : hostname;
    }

    private ObjectNode process(ContainerLaunch launch, ResolvedUser user)
            throws ContainerStartException
    {
        ObjectNode process = JsonNodeFactory.instance.objectNode();
        process.put("terminal", false);
        ObjectNode userNode = process.putObject("user");
        userNode.put("uid", user.uid());
        userNode.put("gid", user.gid());
        if (!user.additionalGids().isEmpty()) {
            user.additionalGids().forEach(userNode.putArray("additionalGids")::add);
        }
        ArrayNode args = process.putArray("args");
        if (launch.hardening().runInit()) {
            // tini as PID 1 runs the command as its child, forwards signals to it, reaps orphans and exits
            // with the child's status (128 + signal when a signal killed it), as `docker run --init` does
            args.add(INIT_PATH).add("--");
        }
        launch.args().forEach(args::add);
        environment(launch, user).forEach(process.putArray("env")::add);
        process.put("cwd", workingDirectory(launch.workingDir()));

        ObjectNode capabilities = process.putObject("capabilities");
        // a non-root user keeps the bounding set (so setuid tools inside work as Docker's do) but holds
        // no capability itself
        List<String> granted = ContainerCapabilities.resolve(DEFAULT_CAPABILITIES, launch.hardening().addCapabilities(), launch.hardening().dropCapabilities());
        List<String> held = user.uid() == 0 ? granted : List.of();
        granted.forEach(capabilities.putArray("bounding")::add);
        held.forEach(capabilities.putArray("effective")::add);
        held.forEach(capabilities.putArray("permitted")::add);
        capabilities.putArray("inheritable");
        capabilities.putArray("ambient");

        ArrayNode rlimits = process.putArray("rlimits");
        List<ResourceLimit> limits = launch.hardening().resourceLimits();
        if (limits.stream().noneMatch(limit -> limit.type().equals(ResourceLimit.OPEN_FILES))) {
            rlimit(rlimits, new ResourceLimit(ResourceLimit.OPEN_FILES, openFilesLimit, openFilesLimit));
        }
        limits.forEach(limit -> rlimit(rlimits, limit));
        process.put("noNewPrivileges", true);
        return process;
    }

    private static void rlimit(ArrayNode rlimits, ResourceLimit limit)
    {
        ObjectNode node = rlimits.addObject();
        node.put("type", limit.type());
        node.put("hard", limit.hard());
        node.put("soft", limit.soft());
    }

    static List<String> environment(ContainerLaunch launch, ResolvedUser user)
            throws ContainerStartException
    {
        List<String> environment = new ArrayList<>();
        for (String entry : launch.env()) {
            if (entry.indexOf('=') <= 0) {
                throw new ContainerStartException("environment entry '" + entry + "' is not NAME=value");
            }
            environment.add(entry);
        }
        addIfMissing(environment, "PATH", DEFAULT_PATH);
        addIfMissing(environment, "HOSTNAME", hostname(launch));
        addIfMissing(environment, "HOME", user.home());
        return environment;
    }

    private static void addIfMissing(List<String> environment, String name, String value)
    {
        if (environment.stream().noneMatch(entry -> entry.startsWith(name + "="))) {
            environment.add(name + "=" + value);
        }
    }

    private static String workingDirectory(String workingDir)
    {
        if (workingDir == null || workingDir.isBlank()) {
            return "/";
        }
        // Docker reads a relative working directory from the root
        return workingDir.startsWith("/") ? workingDir : "/" + workingDir;
    }

    private static ArrayNode mounts(Path hostsFile, Path hostnameFile, Path resolvConfFile, Path sysfs)
    {
        ArrayNode mounts = JsonNodeFactory.instance.arrayNode();
        mount(mounts, "/proc", "proc", "proc");
        mount(mounts, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
        mount(mounts, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5");
        mount(mounts, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k");
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
        if (sysfs == null) {
            mount(mounts, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
        }
        else {
            // a bind of one sysfs mount (nothing mounted below it), so read-only holds for all of it
            mount(mounts, "/sys", "bind", sysfs.toAbsolutePath().toString(), "rbind", "nosuid", "noexec", "nodev", "ro");
        }
        mount(mounts, "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro");
        mount(mounts, "/etc/hosts", "bind", hostsFile.toAbsolutePath().toString(), "rbind", "ro", "nosuid", "nodev", "noexec");
        mount(mounts, "/etc/hostname", "bind", hostnameFile.toAbsolutePath().toString(), "rbind", "ro", "nosuid", "nodev", "noexec");
        if (resolvConfFile != null) {
            mount(mounts, "/etc/resolv.conf", "bind", resolvConfFile.toAbsolutePath().toString(), "rbind", "ro", "nosuid", "nodev", "noexec");
        }
        return mounts;
    }

    private static void mount(ArrayNode mounts, String destination, String type, String source, String... options)
    {
        ObjectNode mount = mounts.addObject();
        mount.put("destination", destination);
        mount.put("type", type);
        mount.put("source", source);
        if (options.length > 0) {
            List.of(options).forEach(mount.putArray("options")::add);
        }
    }

    private ObjectNode linux(ContainerLaunch launch)
    {
        ObjectNode linux = JsonNodeFactory.instance.objectNode();
        linux.put("cgroupsPath", cgroupsPath(launch.containerId()));
        linux.set("resources", resources(launch.limits()));

        ArrayNode namespaces = linux.putArray("namespaces");
        for (String type : List.of("pid", "mount", "ipc", "uts")) {
            namespaces.addObject().put("type", type);
        }
        ObjectNode network = namespaces.addObject().put("type", "network");
        if (launch.networkNamespacePath() != null) {
            network.put("path", launch.networkNamespacePath().toAbsolutePath().toString());
        }
        if (launch.idMapping() != null) {
            // runc makes the user namespace first and the others (but the joined network one) inside it
            namespaces.addObject().put("type", "user");
            idMapping(linux.putArray("uidMappings"), launch.idMapping());
            idMapping(linux.putArray("gidMappings"), launch.idMapping());
        }
        MASKED_PATHS.forEach(linux.putArray("maskedPaths")::add);
        READONLY_PATHS.forEach(linux.putArray("readonlyPaths")::add);
        linux.set("seccomp", SeccompProfile.build());
        return linux;
    }

    private static void idMapping(ArrayNode mappings, IdMapping mapping)
    {
        ObjectNode node = mappings.addObject();
        node.put("containerID", 0);
        node.put("hostID", mapping.hostId());
        node.put("size", mapping.size());
    }

    private ObjectNode resources(ResourceLimits limits)
    {
        ObjectNode resources = JsonNodeFactory.instance.objectNode();
        // deny every device; runc then allows the standard ones (null, zero, random, tty, ...)
        ObjectNode denyDevices = resources.putArray("devices").addObject();
        denyDevices.put("allow", false);
        denyDevices.put("access", "rwm");
        if (limits.cpuQuotaMicros() > 0) {
            ObjectNode cpu = resources.putObject("cpu");
            cpu.put("quota", limits.cpuQuotaMicros());
            cpu.put("period", limits.cpuPeriodMicros() > 0 ? limits.cpuPeriodMicros() : ResourceLimits.DEFAULT_PERIOD_MICROS);
        }
        if (limits.memoryBytes() > 0) {
            ObjectNode memory = resources.putObject("memory");
            memory.put("limit", limits.memoryBytes());
            if (cgroups.limitsSwap()) {
                // memory+swap equal to memory: the container cannot swap
                memory.put("swap", limits.memoryBytes());
            }
        }
        if (limits.memoryReservationBytes() > 0) {
            // the soft limit (memory.soft_limit_in_bytes on v1, memory.low on v2): what ECS's memoryReservation sets in Docker
            ObjectNode memory = resources.has("memory") ? (ObjectNode) resources.get("memory") : resources.putObject("memory");
            memory.put("reservation", limits.memoryReservationBytes());
        }
        if (limits.pidsLimit() > 0) {
            resources.putObject("pids").put("limit", limits.pidsLimit());
        }
        return resources;
    }
}
