package io.berth.controlplane.store;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteEventRowsTest
        extends EventRowsContractTest
{
    @TempDir
    static Path directory;

    @Override
    protected String jdbcUrl()
    {
        return "jdbc:sqlite:" + directory.resolve("berth.db");
    }
}
