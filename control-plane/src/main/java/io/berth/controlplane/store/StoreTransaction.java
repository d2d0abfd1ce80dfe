package io.berth.controlplane.store;

import io.berth.controlplane.store.jdbc.Sql;

import java.sql.Connection;

/** The tables, as seen inside one transaction. */
public final class StoreTransaction
{
    private final Sql sql;

    StoreTransaction(Connection connection)
    {
        this.sql = new Sql(connection);
    }

    public AccountRows accounts()
    {
        return new AccountRows(sql);
    }

    public ClusterRows clusters()
    {
        return new ClusterRows(sql);
    }

    public TaskDefinitionRows taskDefinitions()
    {
        return new TaskDefinitionRows(sql);
    }

    public TaskRows tasks()
    {
        return new TaskRows(sql);
    }

    public HostRows hosts()
    {
        return new HostRows(sql);
    }

    public PlacementAttemptRows placementAttempts()
    {
        return new PlacementAttemptRows(sql);
    }

    public JoinTokenRows joinTokens()
    {
        return new JoinTokenRows(sql);
    }

    public HostCredentialRows hostCredentials()
    {
        return new HostCredentialRows(sql);
    }

    public TaskCredentialKeyRows taskCredentialKeys()
    {
        return new TaskCredentialKeyRows(sql);
    }

    public RepositoryRows repositories()
    {
        return new RepositoryRows(sql);
    }

    public TaskUsageRows taskUsage()
    {
        return new TaskUsageRows(sql);
    }
}
