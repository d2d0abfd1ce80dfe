package io.berth.agent.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.agent.userns.IdMapping;
import io.berth.testing.BusyboxRootfs;
import io.berth.common.agentprotocol.IsolationTier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OciSpecBuilderTest
{
    @TempDir
    Path directory;

    private Path rootfs;
    private CgroupLayout cgroupV1WithSwap;

    @BeforeEach
    void setUp()
            throws IOException
    {
        rootfs = BusyboxRootfs.create(directory.resolve("rootfs"));
        Path cgroupRoot = Files.createDirectories(directory.resolve("cgroup/memory"));
        Files.writeString(cgroupRoot.resolve("memory.memsw.limit_in_bytes"), "9223372036854771712\n");
        cgroupV1WithSwap = new CgroupLayout(directory.resolve("cgroup"));
    }

    @Test
    void describesProcessRootAndLimits()
            throws Exception
    {
        ObjectNode spec = build(launch("", List.of("FOO=bar"), "/srv", null));

        JsonNode process = spec.path("process");
        assertThat(process.path("terminal").asBoolean(true)).isFalse();
        assertThat(strings(process.path("args"))).containsExactly("sh", "-c", "true");
        assertThat(strings(process.path("env"))).containsExactly("FOO=bar", "PATH=" + OciSpecBuilder.DEFAULT_PATH, "HOSTNAME=web-1", "HOME=/root");
        assertThat(process.path("cwd").asText()).isEqualTo("/srv");
        assertThat(process.path("noNewPrivileges").asBoolean()).isTrue();
        assertThat(process.path("user").path("uid").asInt(-1)).isZero();
        assertThat(strings(process.path("capabilities").path("effective"))).containsExactlyElementsOf(OciSpecBuilder.DEFAULT_CAPABILITIES);
        assertThat(strings(process.path("capabilities").path("ambient"))).isEmpty();
        assertThat(spec.path("root").path("path").asText()).isEqualTo(rootfs.toAbsolutePath().toString());
        assertThat(spec.path("hostname").asText()).isEqualTo("web-1");

        JsonNode linux = spec.path("linux");
        assertThat(linux.path("cgroupsPath").asText()).isEqualTo("/berth-test/c1");
        assertThat(linux.path("resources").path("cpu").path("quota").asLong()).isEqualTo(25_000);
        assertThat(linux.path("resources").path("cpu").path("period").asLong()).isEqualTo(100_000);
        assertThat(linux.path("resources").path("memory").path("limit").asLong()).isEqualTo(512L << 20);
        assertThat(linux.path("resources").path("memory").path("swap").asLong()).isEqualTo(512L << 20);
        assertThat(linux.path("resources").path("pids").path("limit").asLong()).isEqualTo(ResourceLimits.DEFAULT_PIDS_LIMIT);
        assertThat(linux.path("namespaces").findValuesAsText("type")).containsExactlyInAnyOrder("pid", "mount", "ipc", "uts", "network");
        assertThat(linux.path("namespaces").findValuesAsText("path")).isEmpty();
        assertThat(strings(linux.path("maskedPaths"))).contains("/proc/kcore", "/sys/firmware");
        assertThat(linux.path("seccomp").path("defaultAction").asText()).isEqualTo("SCMP_ACT_ALLOW");
        assertThat(spec.path("mounts").findValuesAsText("destination")).contains("/proc", "/dev", "/sys", "/etc/hosts", "/etc/hostname");
    }

    @Test
    void keepsTheCallersPathAndJoinsAGivenNetworkNamespace()
            throws Exception
    {
        ContainerLaunch base = launch("", List.of("PATH=/opt/bin", "HOME=/data"), "", null);
        ContainerLaunch launch = new ContainerLaunch(base.containerId(), base.rootfs(), base.args(), base.env(), base.workingDir(),
                base.user(), base.hostname(), base.limits(), base.logFile(), Path.of("/var/run/netns/task-1"), base.hardening());

        ObjectNode spec = build(launch);

        assertThat(strings(spec.path("process").path("env"))).containsExactly("PATH=/opt/bin", "HOME=/data", "HOSTNAME=web-1");
        assertThat(spec.path("process").path("cwd").asText()).isEqualTo("/");
        assertThat(spec.path("linux").path("namespaces").findValuesAsText("path")).containsExactly("/var/run/netns/task-1");
    }

    @Test
    void taskVolumesAreBoundReadWriteOrReadOnly()
            throws Exception
    {
        ContainerLaunch base = launch("", List.of(), "", null);
        ContainerLaunch launch = new ContainerLaunch(base.containerId(), base.rootfs(), base.args(), base.env(), base.workingDir(), base.user(), base.hostname(),
                base.limits(), base.logFile(), null, base.hardening(), null, IsolationTier.CONTAINER,
                List.of(new VolumeBind(Path.of("/storage/task/fs/volumes/data"), "/data", false), new VolumeBind(Path.of("/storage/task/fs/volumes/data"), "/shared", true)));

        ObjectNode spec = build(launch);

        List<JsonNode> volumes = new java.util.ArrayList<>();
        spec.path("mounts").forEach(mount -> {
            if (mount.path("source").asText().equals("/storage/task/fs/volumes/data")) {
                volumes.add(mount);
            }
        });
        assertThat(volumes).extracting(mount -> mount.path("destination").asText()).containsExactly("/data", "/shared");
        assertThat(volumes).allSatisfy(mount -> assertThat(mount.path("type").asText()).isEqualTo("bind"));
        assertThat(strings(volumes.get(0).path("options"))).containsExactly("rbind", "rw", "nosuid", "nodev");
        assertThat(strings(volumes.get(1).path("options"))).containsExactly("rbind", "ro", "nosuid", "nodev");
    }

    @Test
    void aLaunchWithAnIdMappingGetsAUserNamespaceAndTheTaskNetworksSysfs()
            throws Exception
    {
        IdMapping mapping = new IdMapping(1L << 30, 65536);
        ContainerLaunch launch = launch("", List.of(), "", null).withIdMapping(mapping);

        JsonNode linux = build(launch).path("linux");
        assertThat(linux.path("namespaces").findValuesAsText("type")).containsExactlyInAnyOrder("pid", "mount", "ipc", "uts", "network", "user");
        for (String field : List.of("uidMappings", "gidMappings")) {
            assertThat(linux.path(field)).hasSize(1);
            assertThat(linux.path(field).get(0).path("containerID").asLong()).isZero();
            assertThat(linux.path(field).get(0).path("hostID").asLong()).isEqualTo(1L << 30);
            assertThat(linux.path(field).get(0).path("size").asLong()).isEqualTo(65536);
        }

        // joining the task's network namespace, /sys is a read-only bind of the sysfs mounted from it
        ContainerLaunch inNetwork = new ContainerLaunch("c1", rootfs, launch.args(), List.of(), "", "", "web-1", launch.limits(), launch.logFile(),
                Path.of("/var/run/netns/task-1"), ContainerHardening.DEFAULT, mapping, IsolationTier.CONTAINER);
        assertThatThrownBy(() -> build(inNetwork)).isInstanceOf(ContainerStartException.class).hasMessageContaining("needs a sysfs");
        ObjectNode spec = new OciSpecBuilder("berth-test", cgroupV1WithSwap)
                .build(inNetwork, directory.resolve("hosts"), directory.resolve("hostname"), null, directory.resolve("sys"));
        JsonNode sys = null;
        for (JsonNode mount : spec.path("mounts")) {
            if (mount.path("destination").asText().equals("/sys")) {
                sys = mount;
            }
        }
        assertThat(sys).isNotNull();
        assertThat(sys.path("type").asText()).isEqualTo("bind");
        assertThat(sys.path("source").asText()).isEqualTo(directory.resolve("sys").toString());
        assertThat(strings(sys.path("options"))).contains("ro", "nosuid", "noexec", "nodev");
    }

    @Test
    void aLaunchWithoutAnIdMappingHasNoUserNamespace()
            throws Exception
    {
        JsonNode linux = build(launch("", List.of(), "", null)).path("linux");
        assertThat(linux.path("namespaces").findValuesAsText("type")).doesNotContain("user");
        assertThat(linux.has("uidMappings")).isFalse();
    }

    @Test
    void noSwapLimitWithoutSwapAccounting()
            throws Exception
    {
        OciSpecBuilder builder = new OciSpecBuilder("berth", new CgroupLayout(Files.createDirectories(directory.resolve("bare"))));
        ObjectNode spec = builder.build(launch("", List.of(), "/", null), directory.resolve("hosts"), directory.resolve("hostname"));
        assertThat(spec.path("linux").path("resources").path("memory").has("swap")).isFalse();
        assertThat(spec.path("linux").path("cgroupsPath").asText()).isEqualTo("/berth/c1");
    }

    @Test
    void resolvesUsersAgainstTheImage()
            throws Exception
    {
        assertUser("app", 1000, 1000, List.of(50));
        assertUser("1000", 1000, 1000, List.of(50));
        assertUser("app:staff", 1000, 50, List.of());
        assertUser("app:7", 1000, 7, List.of(50));
        assertUser("nobody", 65534, 65534, List.of());
        assertUser("4242", 4242, 0, List.of());
        assertUser("0:0", 0, 0, List.of());
        assertUser(null, 0, 0, List.of());

        JsonNode app = build(launch("app", List.of(), "/", null)).path("process");
        assertThat(strings(app.path("env"))).contains("HOME=/home/app");
        assertThat(strings(app.path("capabilities").path("effective"))).isEmpty();
        assertThat(strings(app.path("capabilities").path("bounding"))).containsExactlyElementsOf(OciSpecBuilder.DEFAULT_CAPABILITIES);
    }

    @Test
    void unknownUserOrGroupIsAClearStartFailure()
    {
        assertThatThrownBy(() -> build(launch("ghost", List.of(), "/", null)))
                .isInstanceOf(ContainerStartException.class)
                .hasMessage("user ghost is not in the image's /etc/passwd: use a user the image defines or a numeric uid");
        assertThatThrownBy(() -> build(launch("app:ghosts", List.of(), "/", null)))
                .isInstanceOf(ContainerStartException.class)
                .hasMessageStartingWith("group ghosts is not in the image's /etc/group");
    }

    @Test
    void passwdOutsideTheRootfsIsIgnored()
            throws Exception
    {
        Path outside = Files.writeString(directory.resolve("passwd"), "ghost:x:77:77::/:/bin/sh\n");
        Files.delete(rootfs.resolve("etc/passwd"));
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), outside);

        assertThatThrownBy(() -> build(launch("ghost", List.of(), "/", null))).isInstanceOf(ContainerStartException.class);
    }

    @Test
    void rejectsAnEmptyCommandAndMalformedEnvironment()
    {
        ContainerLaunch noCommand = new ContainerLaunch("c1", rootfs, List.of(), List.of(), "/", "", "h",
                ResourceLimits.fromTaskSize(256, 512), directory.resolve("log"));
        assertThatThrownBy(() -> build(noCommand)).hasMessageStartingWith("no command to run");
        assertThatThrownBy(() -> build(launch("", List.of("JUSTANAME"), "/", null))).hasMessage("environment entry 'JUSTANAME' is not NAME=value");
    }

    @Test
    void rejectsCgroupParentsThatLeaveTheirTree()
    {
        assertThatThrownBy(() -> new OciSpecBuilder("../escape", cgroupV1WithSwap)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OciSpecBuilder("a b", cgroupV1WithSwap)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new OciSpecBuilder("/berth/agent-2/", cgroupV1WithSwap).cgroupsPath("c9")).isEqualTo("/berth/agent-2/c9");
    }

    private void assertUser(String user, int uid, int gid, List<Integer> additionalGids)
            throws Exception
    {
        JsonNode node = build(launch(user, List.of(), "/", null)).path("process").path("user");
        assertThat(node.path("uid").asInt(-1)).as("uid of %s", user).isEqualTo(uid);
        assertThat(node.path("gid").asInt(-1)).as("gid of %s", user).isEqualTo(gid);
        List<Integer> actualAdditional = new ArrayList<>();
        node.path("additionalGids").forEach(value -> actualAdditional.add(value.asInt()));
        assertThat(actualAdditional).as("additional gids of %s", user).isEqualTo(additionalGids);
    }

    private ObjectNode build(ContainerLaunch launch)
            throws ContainerStartException
    {
        return new OciSpecBuilder("berth-test", cgroupV1WithSwap).build(launch, directory.resolve("hosts"), directory.resolve("hostname"));
    }

    private ContainerLaunch launch(String user, List<String> env, String workingDir, String hostname)
    {
        return new ContainerLaunch("c1", rootfs, List.of("sh", "-c", "true"), env, workingDir, user,
                hostname == null ? "web-1" : hostname, ResourceLimits.fromTaskSize(256, 512), directory.resolve("log"));
    }

    private static List<String> strings(JsonNode array)
    {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
