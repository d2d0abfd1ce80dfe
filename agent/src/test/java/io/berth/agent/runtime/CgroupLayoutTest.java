package io.berth.agent.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The layout logic on fake cgroup trees; the real host tree is exercised by the runtime's integration test. */
class CgroupLayoutTest
{
    @TempDir
    Path root;

    @Test
    void unifiedTreeHasOneDirectoryPerCgroupAndCountsOomKillsInMemoryEvents()
            throws IOException
    {
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids\n");
        Path container = Files.createDirectories(root.resolve("berth/c1"));
        Files.writeString(container.resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\n");
        CgroupLayout layout = new CgroupLayout(root);

        assertThat(layout.isUnified()).isTrue();
        assertThat(layout.limitsSwap()).isTrue();
        assertThat(layout.controllerDirectory("cpu", "/berth/c1")).isEqualTo(container);
        assertThat(layout.oomKillCount("/berth/c1")).hasValue(1);
        assertThat(layout.memoryLimitHits("/berth/c1")).hasValue(12);
        assertThat(layout.existingDirectories("/berth/c1")).containsExactly(container);
        assertThat(layout.oomKillCount("/berth/absent")).isEmpty();
    }

    @Test
    void v1TreeHasADirectoryPerControllerAndCountsOomKillsInOomControl()
            throws IOException
    {
        Path memory = Files.createDirectories(root.resolve("memory/berth/c1/nested"));
        Path cpu = Files.createDirectories(root.resolve("cpu,cpuacct/berth/c1"));
        Files.createSymbolicLink(root.resolve("cpu"), root.resolve("cpu,cpuacct"));
        Files.writeString(memory.getParent().resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
        CgroupLayout layout = new CgroupLayout(root);

        assertThat(layout.isUnified()).isFalse();
        assertThat(layout.limitsSwap()).isFalse();
        assertThat(layout.controllerDirectory("cpu", "/berth/c1")).isEqualTo(root.resolve("cpu/berth/c1"));
        assertThat(layout.oomKillCount("/berth/c1")).hasValue(3);
        // children first, and the cpu tree once although two names lead to it
        assertThat(layout.existingDirectories("/berth/c1")).containsExactlyInAnyOrder(cpu, memory, memory.getParent());
        assertThat(layout.existingDirectories("/berth/c1").indexOf(memory)).isLessThan(layout.existingDirectories("/berth/c1").indexOf(memory.getParent()));
    }

    @Test
    void refusesPathsOutsideTheTree()
    {
        CgroupLayout layout = new CgroupLayout(root);
        assertThatThrownBy(() -> layout.controllerDirectory("cpu", "/../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> layout.controllerDirectory("cpu", "/")).isInstanceOf(IllegalArgumentException.class);
    }
}
