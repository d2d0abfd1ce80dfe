package io.berth.controlplane.logs;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteLogServiceTest
        extends LogServiceContractTest
{
    @TempDir
    static Path directory;

    @Override
    protected String jdbcUrl()
    {
        return "jdbc:sqlite:" + directory.resolve("berth.db");
    }
}
