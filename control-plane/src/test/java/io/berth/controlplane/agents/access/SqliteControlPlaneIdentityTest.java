package io.berth.controlplane.agents.access;

class SqliteControlPlaneIdentityTest
        extends ControlPlaneIdentityContractTest
{
    @Override
    protected String jdbcUrl()
    {
        return "jdbc:sqlite:" + directory.resolve("berth.db");
    }
}
