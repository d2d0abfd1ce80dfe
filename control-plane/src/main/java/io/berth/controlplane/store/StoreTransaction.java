package io.berth.controlplane.store;

import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.controlplane.clusters.ClusterConfiguration;
import io.berth.controlplane.store.jdbc.Sql;
import io.berth.controlplane.taskdefinitions.TaskDefinition;
import io.berth.controlplane.tasks.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The tables, as seen inside one transaction. */
public final class StoreTransaction
{
    private static final Logger log = LoggerFactory.getLogger(StoreTransaction.class);

    private final Sql sql;
    private final TaskBodyCache taskBodies;
    private final ParsedBodies parsed;
    private final CommittedNetworkChanges committedNetworkChanges;
    private final NetworkChanges networkChanges = new NetworkChanges();
    private final PlacedTaskChanges placedChanges = new PlacedTaskChanges();
    private final List<Runnable> afterCommit = new ArrayList<>();
    /** The placed tasks' epoch this transaction's commit made; -1 until it commits a change of them. */
    private long committedPlacedTasksEpoch = -1;
    /** The network epoch this transaction's commit made; -1 until it commits a change of the network. */
    private long committedNetworkEpoch = -1;
    /** What this transaction's commit noted of its network changes before it committed; null when none. */
    private CommittedNetworkChanges.Entry networkNote;

    /** A task endpoint that appeared (before null), went away (after null) or moved. */
    public record EndpointChange(TaskEndpoint before, TaskEndpoint after) {}

    /** The store's caches of bodies parsed from their JSON, shared by its transactions (see {@link ParsedBodyCache}). */
    record ParsedBodies(ParsedBodyCache<HostInfo> hostInfos, ParsedBodyCache<TaskDefinition> taskDefinitions,
                        ParsedBodyCache<ClusterConfiguration> clusterConfigurations)
    {
        ParsedBodies
        {
            requireNonNull(hostInfos, "hostInfos is null");
            requireNonNull(taskDefinitions, "taskDefinitions is null");
            requireNonNull(clusterConfigurations, "clusterConfigurations is null");
        }
    }

    StoreTransaction(Connection connection, TaskBodyCache taskBodies, ParsedBodies parsed, CommittedNetworkChanges committedNetworkChanges)
    {
        this.parsed = requireNonNull(parsed, "parsed is null");
        this.committedNetworkChanges = requireNonNull(committedNetworkChanges, "committedNetworkChanges is null");
        this.sql = new Sql(connection);
        this.taskBodies = requireNonNull(taskBodies, "taskBodies is null");
    }

    /**
     * The store's network epoch: it moves with every committed transaction that changed what the hosts' network plans are
     * made of (task endpoints; hosts' addresses, slices and loss; egress policies). Read before those rows, in the same
     * transaction, the rows show at least every change the epoch counts, so a view built from them may serve whoever
     * reads the same epoch later.
     */
    public long networkEpoch()
    {
        return epoch("network_epoch");
    }

    /** Whether this transaction changed what the hosts' network plans are made of (it will move the epoch as it commits). */
    public boolean changesNetwork()
    {
        return networkChanges.any();
    }

    /**
     * The task endpoint changes that took the network from epoch from to epoch to (later), in commit order, when this
     * replica committed every change in between and none changed more than endpoints; empty otherwise (then read the
     * network whole). A view of the network at from with them applied is the view at to.
     */
    public Optional<List<EndpointChange>> committedEndpointChanges(long from, long to)
    {
        return committedNetworkChanges.endpointChangesBetween(from, to);
    }

    /**
     * The store's placed tasks' epoch: it moves with every committed transaction that changed what placement reads of the
     * placed tasks (see {@link #changesPlacedTasks()}). Read before those rows, as {@link #networkEpoch()}.
     */
    public long placedTasksEpoch()
    {
        return epoch("placed_tasks_epoch");
    }

    /**
     * Whether this transaction changed what placement reads of the placed tasks: a task placed, a placed task stopped or
     * told to stop (it will move the epoch as it commits).
     */
    public boolean changesPlacedTasks()
    {
        return placedChanges.any();
    }

    /**
     * A task written in a way placement sees: as it was read (null: a new task) and as written. Placement reads the same of
     * before as of the task as a copy of the placed tasks at this transaction's epoch holds it.
     */
    public record PlacedTaskWrite(Task before, Task after) {}

    /** The tasks this transaction wrote in a way placement sees, in the order it wrote them (see {@link #changesPlacedTasks()}). */
    public List<PlacedTaskWrite> placedTasksWritten()
    {
        return placedChanges.written();
    }

    /** The placed tasks' epoch this transaction's commit made; -1 when it changed none of them, or has not committed. */
    public long committedPlacedTasksEpoch()
    {
        return committedPlacedTasksEpoch;
    }

    /** The counter in the one row of an epoch table (network_epoch, placed_tasks_epoch). */
    private long epoch(String table)
    {
        return sql.queryOne("SELECT epoch FROM " + table + " WHERE id = 1", row -> row.getLong(1))
                .orElseThrow(() -> new StoreException("The store has no " + table + " row", null));
    }

    /** Runs work once this transaction has committed (not when it rolls back), on the committing thread. */
    public void afterCommit(Runnable work)
    {
        afterCommit.add(requireNonNull(work, "work is null"));
    }

    /**
     * Moves the network epoch when this transaction changed the network, and the placed tasks' epoch when it changed
     * those; the store calls it right before the commit. The epochs' rows are updated last, so transactions that move
     * them wait on each other only for as long as a commit takes.
     */
    void beforeCommit()
    {
        if (networkChanges.any()) {
            committedNetworkEpoch = incrementEpoch("network_epoch");
            networkNote = committedNetworkChanges.committing(committedNetworkEpoch, networkChanges.structural(), networkChanges.endpoints());
        }
        if (placedChanges.any()) {
            committedPlacedTasksEpoch = incrementEpoch("placed_tasks_epoch");
        }
    }

    /**
     * Adds one to the epoch in table and returns the new value, read under the row lock the update holds until the
     * commit: no other transaction's change lies between. One statement, not an update and a read: every transaction that
     * moves the epoch waits for the one holding the row, for as long as it takes to commit.
     */
    private long incrementEpoch(String table)
    {
        return sql.queryOne("UPDATE " + table + " SET epoch = epoch + 1 WHERE id = 1 RETURNING epoch", row -> row.getLong(1))
                .orElseThrow(() -> new StoreException("The store has no " + table + " row", null));
    }

    /** The store calls it when the commit failed, or what came before it, after the rollback. */
    void commitFailed()
    {
        if (networkNote != null) {
            committedNetworkChanges.failed(committedNetworkEpoch, networkNote);
            networkNote = null;
        }
    }

    /** The store calls it once the commit succeeded: what runs then cannot undo it, so a failure is logged, not thrown. */
    void afterCommit()
    {
        for (Runnable work : afterCommit) {
            try {
                work.run();
            }
            catch (RuntimeException e) {
                log.warn("work after a committed transaction failed: {}", e.toString());
            }
        }
    }

    public AccountRows accounts()
    {
        return new AccountRows(sql, networkChanges);
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
        return new ClusterRows(sql, parsed.clusterConfigurations());
    }

    public TaskDefinitionRows taskDefinitions()
    {
        return new TaskDefinitionRows(sql, parsed.taskDefinitions());
    }

    public TaskRows tasks()
    {
        return new TaskRows(sql, taskBodies, networkChanges, placedChanges, this::afterCommit);
    }

    public HostRows hosts()
    {
        return new HostRows(sql, networkChanges, parsed.hostInfos());
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
