package io.berth.controlplane.api.actions;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteEcsActionsTest
        extends EcsActionsTest
{
    @TempDir
    static Path directory;

    @Override
    protected String jdbcUrl()
    {
        return "jdbc:sqlite:" + directory.resolve("berth.db");
    }
}
