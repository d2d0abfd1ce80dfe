package io.berth.controlplane.patching;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqlitePatchCoordinatorTest
        extends PatchCoordinatorContractTest
{
    @TempDir
    Path directory;

    @Override
    protected String jdbcUrl()
    {
        return "jdbc:sqlite:" + directory.resolve("berth.db");
    }
}
