package io.berth.controlplane.agents.access;

class SqliteHostCredentialRotationTest
        extends HostCredentialRotationContractTest
{
    @Override
    protected String jdbcUrl()
    {
        return "jdbc:sqlite:" + directory.resolve("berth.db");
    }
}
