package io.berth.agent.rootfs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostCommandTest
{
    @Test
    void aCommandThatHangsIsKilledAtItsDeadline(@TempDir Path directory)
    {
        long start = System.nanoTime();
        // a wedged mount behaves so: it neither ends nor prints
        assertThatThrownBy(() -> HostCommand.run(directory, List.of("sleep", "30"), Duration.ofMillis(300)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("did not finish within");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void outputAndExitCodeComeBackFromTheWorkingDirectory(@TempDir Path directory)
            throws IOException
    {
        CommandResult result = HostCommand.run(directory, List.of("sh", "-c", "pwd; echo failing >&2; exit 3"));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output()).isEqualTo(directory + "\nfailing");
    }
}
