package io.berth.agent.rootfs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MountTableTest
{
    @Test
    void unescapesOctalSequences()
    {
        assertThat(MountTable.unescape("/var/lib/my\\040dir\\011x\\134y")).isEqualTo("/var/lib/my dir\tx\\y");
        assertThat(MountTable.unescape("/plain\\0")).isEqualTo("/plain\\0");
    }

    @Test
    void takesTheFifthFieldOfALineAsItsMountPoint()
    {
        assertThat(MountTable.mountPointOf("45 22 0:39 / /data/k1/rootfs rw,relatime - overlay overlay rw")).isEqualTo("/data/k1/rootfs");
        assertThat(MountTable.mountPointOf("48 22 0:42 / /data/with\\040space")).isEqualTo("/data/with space");
        assertThat(MountTable.mountPointOf("48 22 0:42 /")).isNull();
        assertThat(MountTable.mountPointOf("")).isNull();
    }

    @Test
    void findsMountPointsUnderADirectoryDeepestFirst(@TempDir Path directory)
            throws IOException
    {
        Path mountInfo = Files.writeString(directory.resolve("mountinfo"), """
                22 1 0:21 / / rw,relatime - ext4 /dev/sda1 rw
                45 22 0:39 / /data/k1/rootfs rw,relatime - overlay overlay rw,lowerdir=l/0
                46 45 0:40 / /data/k1/rootfs/proc rw - proc proc rw
                47 22 0:41 / /data/k10/rootfs rw - overlay overlay rw
                49 45 0:43 / /data/k1/rootfs rw - tmpfs tmpfs rw
                48 22 0:42 / /data/with\\040space rw - tmpfs tmpfs rw
                """);
        MountTable table = new MountTable(mountInfo);

        // /data/k10 shares /data/k1's text but is not under it; a mount stacked on another is one mount point
        assertThat(table.mountPointsUnder(Path.of("/data/k1"))).containsExactly(Path.of("/data/k1/rootfs/proc"), Path.of("/data/k1/rootfs"));
        assertThat(table.mountPoints()).hasSize(5);
        assertThat(table.isMountPoint(Path.of("/data/with space"))).isTrue();
        assertThat(table.isMountPoint(Path.of("/data/k1"))).isFalse();
    }
}
