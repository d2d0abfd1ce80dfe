package io.berth.cli.up;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataDirectoryLockTest
{
    @TempDir
    Path dataDirectory;

    @Test
    void secondHolderIsRefusedWithTheOwnersPidUntilTheFirstLetsGo()
            throws IOException
    {
        DataDirectoryLock first = DataDirectoryLock.acquire(dataDirectory);
        assertThatThrownBy(() -> DataDirectoryLock.acquire(dataDirectory))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is in use by another berth process (pid " + ProcessHandle.current().pid() + ")");

        first.close();
        try (DataDirectoryLock again = DataDirectoryLock.acquire(dataDirectory)) {
            assertThat(again).isNotNull();
        }
    }
}
