package io.berth.controlplane.leadership;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteLeaderElectionTest
        extends LeaderElectionContractTest
{
    @TempDir
    static Path directory;

    @Override
    protected String jdbcUrl()
    {
        return "jdbc:sqlite:" + directory.resolve("berth.db");
    }
}
