package io.berth.controlplane.store;

import io.berth.controlplane.store.jdbc.Sql;

import java.sql.Connection;

import static java.util.Objects.requireNonNull;

/** The tables, as seen inside one transaction. */
public final class StoreTransaction
{
    private final Sql sql;
    private final TaskBodyCache taskBodies;

    StoreTransaction(Connection connection, TaskBodyCache taskBodies)
    {
        this.sql = new Sql(connection);
        this.taskBodies = requireNonNull(taskBodies, "taskBodies is null");
    }

    public AccountRows accounts()
    {
        return new AccountRows(sql);
    }

    public AccountSettingRows accountSettings()
    {
        return new AccountSettingRows(sql);
    }

    public ClientTokenRows clientTokens()
    {
        return new ClientTokenRows(sql);
    }

    public TaskProtectionRows taskProtection()
    {
        return new TaskProtectionRows(sql);
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
        return new TaskRows(sql, taskBodies);
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

    public SecretRows secrets()
    {
        return new SecretRows(sql);
    }

    public ParameterRows parameters()
    {
        return new ParameterRows(sql);
    }

    public ServiceRows services()
    {
        return new ServiceRows(sql);
    }

    public LogGroupRows logGroups()
    {
        return new LogGroupRows(sql);
    }

    public LogStreamRows logStreams()
    {
        return new LogStreamRows(sql);
    }

    public LogEventRows logEvents()
    {
        return new LogEventRows(sql);
    }

    public TaskUsageRows taskUsage()
    {
        return new TaskUsageRows(sql);
    }

    public LoadBalancingRows loadBalancing()
    {
        return new LoadBalancingRows(sql);
    }

    /** The operator's rolling patches of the fleet. */
    public PatchRunRows patchRuns()
    {
        return new PatchRunRows(sql);
    }

    /** The control plane's decisions, for `berth events`. */
    public EventRows events()
    {
        return new EventRows(sql);
    }

    /** The controllers' lease: which replica leads (see {@link io.berth.controlplane.leadership}). */
    public LeaseRows lease()
    {
        return new LeaseRows(sql);
    }

    /** The running control-plane replicas and their URLs, handed to agents. */
    public ReplicaRows replicas()
    {
        return new ReplicaRows(sql);
    }

    /** What each replica proves itself to agents with (public parts only). */
    public ReplicaIdentityRows replicaIdentities()
    {
        return new ReplicaIdentityRows(sql);
    }
}
