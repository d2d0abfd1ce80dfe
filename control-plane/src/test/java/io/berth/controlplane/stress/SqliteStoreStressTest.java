package io.berth.controlplane.stress;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteStoreStressTest
        extends StoreStressTest
{
    @TempDir
    static Path directory;

    @Override
    protected String jdbcUrl()
    {
        return "jdbc:sqlite:" + directory.resolve("berth.db");
    }
}
