package io.berth.cli.commands;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskSizesTest
{
    @Test
    void cpuAcceptsUnitsAndVcpu()
    {
        assertThat(TaskSizes.parseCpuUnits("256")).isEqualTo(256);
        assertThat(TaskSizes.parseCpuUnits("0.25")).isEqualTo(256);
        assertThat(TaskSizes.parseCpuUnits("0.5 vCPU")).isEqualTo(512);
        assertThat(TaskSizes.parseCpuUnits("1vcpu")).isEqualTo(1024);
        assertThat(TaskSizes.parseCpuUnits("2")).isEqualTo(2048);
        assertThat(TaskSizes.parseCpuUnits("4096")).isEqualTo(4096);
    }

    @Test
    void memoryAcceptsMibAndGb()
    {
        assertThat(TaskSizes.parseMemoryMiB("512")).isEqualTo(512);
        assertThat(TaskSizes.parseMemoryMiB("1 GB")).isEqualTo(1024);
        assertThat(TaskSizes.parseMemoryMiB("0.5GB")).isEqualTo(512);
        assertThat(TaskSizes.parseMemoryMiB("2GiB")).isEqualTo(2048);
        assertThat(TaskSizes.parseMemoryMiB("768 MiB")).isEqualTo(768);
    }

    @Test
    void rejectsWhatIsNotASize()
    {
        assertThatThrownBy(() -> TaskSizes.parseCpuUnits("fast")).hasMessageContaining("CPU 'fast' is not a size");
        assertThatThrownBy(() -> TaskSizes.parseCpuUnits("1 GHz")).hasMessageContaining("unknown unit 'GHz'");
        assertThatThrownBy(() -> TaskSizes.parseCpuUnits("0.0001")).hasMessageContaining("whole, positive");
        assertThatThrownBy(() -> TaskSizes.parseMemoryMiB("1 TB")).hasMessageContaining("unknown unit 'TB'");
        assertThatThrownBy(() -> TaskSizes.parseMemoryMiB("0")).hasMessageContaining("whole, positive");
        assertThatThrownBy(() -> TaskSizes.parseMemoryMiB("")).hasMessageContaining("is not a size");
    }
}
