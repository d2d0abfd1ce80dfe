package io.berth.cli.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CliDaemonTest
{
    @Test
    void idleTimeIsMinutesAboveZero()
    {
        assertThat(CliDaemon.idleTime(null)).isEqualTo(CliDaemon.DEFAULT_IDLE);
        assertThat(CliDaemon.idleTime(" 5 ")).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> CliDaemon.idleTime("0")).hasMessageContaining("BERTH_DAEMON_IDLE_MINUTES");
        assertThatThrownBy(() -> CliDaemon.idleTime("soon")).hasMessageContaining("whole number");
    }

    @Test
    void theStateDirectoryMustBeWritableByItsOwnerAlone(@TempDir Path directory)
            throws IOException
    {
        int uid = DaemonSession.ownerOf(Path.of("/proc/self"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        CliDaemon.checkPrivate(directory, uid);

        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> CliDaemon.checkPrivate(directory, uid)).hasMessageContaining("writable by it alone");
        assertThatThrownBy(() -> CliDaemon.checkPrivate(directory, uid + 1)).hasMessageContaining("must belong to uid");
    }
}
