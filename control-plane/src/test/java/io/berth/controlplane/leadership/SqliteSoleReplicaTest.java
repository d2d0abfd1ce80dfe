package io.berth.controlplane.leadership;

import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SQLite serves one control plane: a second on the same file is refused while the first runs, and starts once it stopped. */
class SqliteSoleReplicaTest
{
    @TempDir
    Path directory;

    @Test
    void aSecondControlPlaneOnTheSameSqliteFileIsRefusedWhileTheFirstRuns()
    {
        String url = "jdbc:sqlite:" + directory.resolve("berth.db");
        ControlPlane first = new ControlPlane(ControlPlaneConfig.of(url));
        try {
            first.keepLeadership();
            assertThat(first.leadership().isLeader()).isTrue();
            // the first keeps its lease while the second waits to see whether it lapses
            Thread renewer = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    first.keepLeadership();
                    try {
                        Thread.sleep(200);
                    }
                    catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                assertThatThrownBy(() -> new ControlPlane(ControlPlaneConfig.of(url)))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("Another berth server (replica " + first.leadership().replicaId() + ") runs on the SQLite store")
                        .hasMessageContaining("--store jdbc:postgresql://");
            }
            finally {
                renewer.interrupt();
            }
        }
        finally {
            first.close();
        }
        // the first gave its lease up as it closed: the next one starts at once
        try (ControlPlane next = new ControlPlane(ControlPlaneConfig.of(url))) {
            next.keepLeadership();
            assertThat(next.leadership().isLeader()).isTrue();
        }
    }
}
