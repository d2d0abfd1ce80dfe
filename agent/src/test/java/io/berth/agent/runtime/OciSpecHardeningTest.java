package io.berth.agent.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.testing.BusyboxRootfs;
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

/** The OCI spec of a container whose task asks for a narrower sandbox ({@link ContainerHardening}) and its own memory limits. */
class OciSpecHardeningTest
{
    @TempDir
    Path directory;

    private Path rootfs;
    private Path init;
    private CgroupLayout cgroups;

    @BeforeEach
    void setUp()
            throws IOException
    {
        rootfs = BusyboxRootfs.create(directory.resolve("rootfs"));
        init = Files.writeString(directory.resolve("tini-static"), "not really tini");
        Files.createDirectories(directory.resolve("cgroup/memory"));
        cgroups = new CgroupLayout(directory.resolve("cgroup"));
    }

    @Test
    void theDefaultSandboxIsUnchanged()
            throws Exception
    {
        ObjectNode spec = build(null, ContainerHardening.DEFAULT, ResourceLimits.fromTaskSize(256, 512));

        assertThat(spec.path("root").path("readonly").asBoolean(true)).isFalse();
        assertThat(strings(spec.path("process").path("args"))).containsExactly("sh", "-c", "true");
        assertThat(strings(spec.path("process").path("capabilities").path("bounding"))).containsExactlyElementsOf(OciSpecBuilder.DEFAULT_CAPABILITIES);
        assertThat(spec.path("process").path("rlimits")).singleElement().satisfies(limit -> {
            assertThat(limit.path("type").asText()).isEqualTo("RLIMIT_NOFILE");
            assertThat(limit.path("soft").asLong()).isEqualTo(4096);
            assertThat(limit.path("hard").asLong()).isEqualTo(4096);
        });
        assertThat(spec.path("mounts").findValuesAsText("destination")).doesNotContain(OciSpecBuilder.INIT_PATH);
        assertThat(spec.path("linux").path("resources").path("memory").has("reservation")).isFalse();
    }

    @Test
    void readOnlyRootFilesystem()
            throws Exception
    {
        ObjectNode spec = build(null, new ContainerHardening(true, false, List.of(), List.of(), List.of()), ResourceLimits.fromTaskSize(256, 512));

        assertThat(spec.path("root").path("readonly").asBoolean()).isTrue();
    }

    @Test
    void dropAllLeavesNoCapabilityAndAddGivesSysPtrace()
            throws Exception
    {
        JsonNode none = build(null, new ContainerHardening(false, false, List.of(), List.of("ALL"), List.of()), ResourceLimits.fromTaskSize(256, 512))
                .path("process").path("capabilities");
        for (String set : List.of("bounding", "effective", "permitted", "inheritable", "ambient")) {
            assertThat(strings(none.path(set))).as(set).isEmpty();
        }

        JsonNode some = build(null, new ContainerHardening(false, false, List.of("SYS_PTRACE"), List.of("NET_RAW", "CHOWN"), List.of()),
                ResourceLimits.fromTaskSize(256, 512)).path("process").path("capabilities");
        assertThat(strings(some.path("effective"))).contains("CAP_SYS_PTRACE", "CAP_KILL").doesNotContain("CAP_NET_RAW", "CAP_CHOWN");
        assertThat(strings(some.path("bounding"))).isEqualTo(strings(some.path("effective")));

        JsonNode onlyPtrace = build(null, new ContainerHardening(false, false, List.of("SYS_PTRACE"), List.of("ALL"), List.of()),
                ResourceLimits.fromTaskSize(256, 512)).path("process").path("capabilities");
        assertThat(strings(onlyPtrace.path("effective"))).containsExactly("CAP_SYS_PTRACE");
    }

    @Test
    void initRunsTheCommandUnderTiniMountedReadOnly()
            throws Exception
    {
        ObjectNode spec = build(null, new ContainerHardening(false, true, List.of(), List.of(), List.of()), ResourceLimits.fromTaskSize(256, 512));

        assertThat(strings(spec.path("process").path("args"))).containsExactly("/dev/init", "--", "sh", "-c", "true");
        JsonNode mount = null;
        for (JsonNode candidate : spec.path("mounts")) {
            if (candidate.path("destination").asText().equals("/dev/init")) {
                mount = candidate;
            }
        }
        assertThat(mount).isNotNull();
        assertThat(mount.path("source").asText()).isEqualTo(init.toAbsolutePath().toString());
        assertThat(strings(mount.path("options"))).contains("rbind", "ro");
        // after /dev, whose tmpfs would hide it
        List<String> destinations = spec.path("mounts").findValuesAsText("destination");
        assertThat(destinations.indexOf("/dev/init")).isGreaterThan(destinations.indexOf("/dev"));
    }

    @Test
    void initWithoutTiniOnTheHostFailsTheStartWithWhatToInstall()
    {
        OciSpecBuilder builder = new OciSpecBuilder("berth-test", cgroups, 4096, directory.resolve("no-tini"));
        assertThatThrownBy(() -> builder.build(launch(new ContainerHardening(false, true, List.of(), List.of(), List.of()), ResourceLimits.fromTaskSize(256, 512)),
                directory.resolve("hosts"), directory.resolve("hostname")))
                .isInstanceOf(ContainerStartException.class)
                .hasMessageContaining("tini");
    }

    @Test
    void ulimitsAreRlimitsAndAGivenNofileReplacesTheDefault()
            throws Exception
    {
        ContainerHardening hardening = new ContainerHardening(false, false, List.of(), List.of(),
                List.of(ResourceLimit.fromUlimit("nofile", 1024, 2048), ResourceLimit.fromUlimit("nproc", 50, 100)));
        JsonNode rlimits = build(null, hardening, ResourceLimits.fromTaskSize(256, 512)).path("process").path("rlimits");

        assertThat(rlimits).hasSize(2);
        assertThat(rlimits.get(0).path("type").asText()).isEqualTo("RLIMIT_NOFILE");
        assertThat(rlimits.get(0).path("soft").asLong()).isEqualTo(1024);
        assertThat(rlimits.get(0).path("hard").asLong()).isEqualTo(2048);
        assertThat(rlimits.get(1).path("type").asText()).isEqualTo("RLIMIT_NPROC");
        assertThat(rlimits.get(1).path("soft").asLong()).isEqualTo(50);
        assertThat(rlimits.get(1).path("hard").asLong()).isEqualTo(100);
        assertThatThrownBy(() -> ResourceLimit.fromUlimit("files", 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResourceLimit.fromUlimit("nofile", 2, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void containerMemoryIsItsOwnHardAndSoftLimitWithinTheTasks()
            throws Exception
    {
        JsonNode memory = build(null, ContainerHardening.DEFAULT, ResourceLimits.fromTaskSize(256, 512).forContainer(64, 32))
                .path("linux").path("resources").path("memory");
        assertThat(memory.path("limit").asLong()).isEqualTo(64L << 20);
        assertThat(memory.path("reservation").asLong()).isEqualTo(32L << 20);

        ResourceLimits onlyTask = ResourceLimits.fromTaskSize(256, 512).forContainer(null, null);
        assertThat(onlyTask.memoryBytes()).isEqualTo(512L << 20);
        assertThat(onlyTask.memoryReservationBytes()).isZero();
        assertThat(ResourceLimits.fromTaskSize(256, 512).forContainer(4096, 4096).memoryBytes()).as("never above the task's").isEqualTo(512L << 20);
    }

    @Test
    void seccompDeniesIoUringAndKeepsPtraceAsDockerDoes()
            throws Exception
    {
        JsonNode seccomp = build(null, ContainerHardening.DEFAULT, ResourceLimits.fromTaskSize(256, 512)).path("linux").path("seccomp");
        JsonNode denied = seccomp.path("syscalls").get(0);

        assertThat(denied.path("action").asText()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(denied.path("errnoRet").asInt()).as("EPERM").isEqualTo(1);
        assertThat(strings(denied.path("names"))).contains("io_uring_setup", "io_uring_enter", "io_uring_register").doesNotContain("ptrace");
        assertThat(seccomp.path("syscalls").findValuesAsText("names")).doesNotContain("ptrace");
    }

    private ObjectNode build(String user, ContainerHardening hardening, ResourceLimits limits)
            throws ContainerStartException
    {
        return new OciSpecBuilder("berth-test", cgroups, 4096, init).build(launch(hardening, limits), directory.resolve("hosts"), directory.resolve("hostname"));
    }

    private ContainerLaunch launch(ContainerHardening hardening, ResourceLimits limits)
    {
        return new ContainerLaunch("c1", rootfs, List.of("sh", "-c", "true"), List.of(), "/", null, "web-1", limits, directory.resolve("log"), null, hardening);
    }

    private static List<String> strings(JsonNode array)
    {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
