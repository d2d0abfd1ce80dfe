package io.berth.controlplane.taskdefinitions;

import io.berth.controlplane.resources.InvalidRequestException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FargateTaskSizesTest
{
    @Test
    void tableMatchesFargate()
    {
        assertThat(FargateTaskSizes.validCpuValues()).containsExactly(256, 512, 1024, 2048, 4096, 8192, 16384);
        assertThat(FargateTaskSizes.validMemoryValues(256)).containsExactly(512, 1024, 2048);
        assertThat(FargateTaskSizes.validMemoryValues(512)).containsExactly(1024, 2048, 3072, 4096);
        assertThat(FargateTaskSizes.validMemoryValues(1024)).containsExactly(2048, 3072, 4096, 5120, 6144, 7168, 8192);
        assertThat(FargateTaskSizes.validMemoryValues(2048)).hasSize(13).startsWith(4096).endsWith(16384);
        assertThat(FargateTaskSizes.validMemoryValues(4096)).hasSize(23).startsWith(8192).endsWith(30720);
        assertThat(FargateTaskSizes.validMemoryValues(8192)).hasSize(12).startsWith(16384, 20480).endsWith(61440);
        assertThat(FargateTaskSizes.validMemoryValues(16384)).hasSize(12).startsWith(32768, 40960).endsWith(122880);
        assertThat(FargateTaskSizes.validMemoryValues(300)).isEmpty();
    }

    @Test
    void invalidMemoryListsTheValidValuesForTheCpu()
    {
        assertThatThrownBy(() -> FargateTaskSizes.check(new TaskSize(256, 4096)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.kind()).isEqualTo(InvalidRequestException.Kind.INVALID_VALUE))
                .hasMessageContaining("cpu 256")
                .hasMessageContaining("512, 1024, 2048");
    }

    @Test
    void invalidCpuListsTheValidCpuValues()
    {
        assertThatThrownBy(() -> FargateTaskSizes.check(new TaskSize(300, 512)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.kind()).isEqualTo(InvalidRequestException.Kind.INVALID_VALUE))
                .hasMessageContaining("256, 512, 1024, 2048, 4096, 8192, 16384");
    }

    @Test
    void validSizesPass()
    {
        FargateTaskSizes.check(new TaskSize(256, 512));
        FargateTaskSizes.check(new TaskSize(4096, 30720));
        FargateTaskSizes.check(new TaskSize(16384, 122880));
        assertThat(FargateTaskSizes.isValid(new TaskSize(8192, 18432))).isFalse();
    }

    @Test
    void derivesTheSmallestSizeThatHoldsTheContainers()
    {
        assertThat(FargateTaskSizes.derive(null, null, 0, 0)).isEqualTo(new TaskSize(256, 512));
        assertThat(FargateTaskSizes.derive(null, null, 0, 600)).isEqualTo(new TaskSize(256, 1024));
        assertThat(FargateTaskSizes.derive(null, null, 300, 600)).isEqualTo(new TaskSize(512, 1024));
        assertThat(FargateTaskSizes.derive(1024, null, 0, 0)).isEqualTo(new TaskSize(1024, 2048));
        assertThat(FargateTaskSizes.derive(1024, null, 0, 3000)).isEqualTo(new TaskSize(1024, 3072));
        assertThat(FargateTaskSizes.derive(null, 4096, 0, 0)).isEqualTo(new TaskSize(512, 4096));
        assertThat(FargateTaskSizes.derive(null, 4096, 600, 0)).isEqualTo(new TaskSize(1024, 4096));
        assertThat(FargateTaskSizes.derive(2048, 4096, 0, 0)).isEqualTo(new TaskSize(2048, 4096));
        assertThatThrownBy(() -> FargateTaskSizes.derive(null, 700, 0, 0))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no cpu value allows it");
    }

    @Test
    void parsesTheSizeStringsEcsAccepts()
    {
        assertThat(TaskSize.parseCpu("256")).isEqualTo(256);
        assertThat(TaskSize.parseCpu("0.25 vCPU")).isEqualTo(256);
        assertThat(TaskSize.parseCpu("1 vcpu")).isEqualTo(1024);
        assertThat(TaskSize.parseCpu("2vCPU")).isEqualTo(2048);
        assertThat(TaskSize.parseCpu(null)).isNull();
        assertThat(TaskSize.parseMemory("512")).isEqualTo(512);
        assertThat(TaskSize.parseMemory("1 GB")).isEqualTo(1024);
        assertThat(TaskSize.parseMemory("0.5GB")).isEqualTo(512);
        assertThat(TaskSize.parseMemory("2048 MiB")).isEqualTo(2048);
        assertThatThrownBy(() -> TaskSize.parseCpu("lots")).isInstanceOf(InvalidRequestException.class).hasMessageContaining("0.25 vCPU");
        assertThatThrownBy(() -> TaskSize.parseCpu("0.1 vCPU")).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> TaskSize.parseMemory("1 TB")).isInstanceOf(InvalidRequestException.class).hasMessageContaining("1 GB");
    }
}
