package io.berth.controlplane;

import io.berth.common.agentprotocol.TaskLogSource;
import io.berth.controlplane.accounts.AccessKeyLookup;
import io.berth.controlplane.accounts.AccountService;
import io.berth.controlplane.agents.AgentGateway;
import io.berth.controlplane.agents.HostSignals;
import io.berth.controlplane.agents.LogSourceRegistry;
import io.berth.controlplane.agents.access.HostAccess;
import io.berth.controlplane.agents.http.AgentProtocolHandler;
import io.berth.controlplane.agents.http.HostLogSources;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.actions.ClusterActions;
import io.berth.controlplane.api.actions.TaskActions;
import io.berth.controlplane.api.actions.TaskDefinitionActions;
import io.berth.controlplane.api.admin.BillEndpoint;
import io.berth.controlplane.api.admin.CreateAccountEndpoint;
import io.berth.controlplane.api.admin.CreateJoinTokenEndpoint;
import io.berth.controlplane.api.admin.TaskLogsEndpoint;
import io.berth.controlplane.clusters.ClusterService;
import io.berth.controlplane.metering.MeteringService;
import io.berth.controlplane.metering.RightSizingPolicy;
import io.berth.controlplane.placement.FirstLiveHostPlacement;
import io.berth.controlplane.placement.Placement;
import io.berth.controlplane.placement.TaskPlacer;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.taskdefinitions.TaskDefinitionService;
import io.berth.controlplane.tasks.TaskService;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The control plane, wired: store, services, ECS actions, admin endpoints and the agent gateway. The HTTP
 * server serves {@link #ecsActions()} and {@link #adminEndpoints()}, authenticating with {@link #accessKeys()};
 * agents talk to {@link #agentGateway()}. The server should call {@link #purgeExpired()} every minute or so.
 */
public final class ControlPlane
        implements AutoCloseable
{
    private final ControlPlaneConfig config;
    private final Store store;
    private final AccountService accounts;
    private final TaskService tasks;
    private final AgentGateway agentGateway;
    private final HostAccess hostAccess;
    private final AgentProtocolHandler agentProtocol;
    private final MeteringService metering;
    private final LogSourceRegistry logSources = new LogSourceRegistry();
    private final List<EcsAction> ecsActions;
    private final List<AdminEndpoint> adminEndpoints;

    public ControlPlane(ControlPlaneConfig config)
    {
        this(config, new FirstLiveHostPlacement());
    }

    public ControlPlane(ControlPlaneConfig config, Placement placement)
    {
        this.config = requireNonNull(config, "config is null");
        requireNonNull(placement, "placement is null");
        this.store = Store.open(config.storeUrl());
        this.accounts = new AccountService(store, config.clock());
        ClusterService clusters = new ClusterService(store, config.region(), config.clock());
        TaskDefinitionService taskDefinitions = new TaskDefinitionService(store, config.region(), config.clock());
        HostSignals hostSignals = new HostSignals();
        TaskPlacer placer = new TaskPlacer(placement, config.hostTimeout());
        this.tasks = new TaskService(store, clusters, taskDefinitions, placer, hostSignals, config.region(), config.stoppedTaskRetention(), config.clock());
        this.agentGateway = new AgentGateway(store, placer, hostSignals, config.clock());
        this.hostAccess = new HostAccess(store, config.clock());
        this.agentProtocol = new AgentProtocolHandler(agentGateway, hostAccess);
        this.metering = new MeteringService(store, config.metering(), RightSizingPolicy.DEFAULT, config.clock());

        List<EcsAction> actions = new ArrayList<>();
        actions.addAll(new ClusterActions(clusters).actions());
        actions.addAll(new TaskDefinitionActions(taskDefinitions).actions());
        actions.addAll(new TaskActions(tasks).actions());
        this.ecsActions = List.copyOf(actions);
        this.adminEndpoints = List.of(
                new CreateAccountEndpoint(accounts),
                new TaskLogsEndpoint(tasks, new HostLogSources(logSources, store, hostAccess, config.clock())),
                new BillEndpoint(metering),
                new CreateJoinTokenEndpoint(hostAccess));
    }

    public ControlPlaneConfig config()
    {
        return config;
    }

    public List<EcsAction> ecsActions()
    {
        return ecsActions;
    }

    public List<AdminEndpoint> adminEndpoints()
    {
        return adminEndpoints;
    }

    public AccessKeyLookup accessKeys()
    {
        return accounts;
    }

    public AccountService accounts()
    {
        return accounts;
    }

    public AgentGateway agentGateway()
    {
        return agentGateway;
    }

    /** Join tokens and host credentials. */
    public HostAccess hostAccess()
    {
        return hostAccess;
    }

    /**
     * The agent protocol over HTTP; the server mounts it at {@link AgentProtocolHandler#PREFIX}, beside the
     * SigV4-authenticated API, since agents authenticate with their host credential.
     */
    public AgentProtocolHandler agentProtocol()
    {
        return agentProtocol;
    }

    public MeteringService metering()
    {
        return metering;
    }

    /** Where the logs endpoint reads the logs of tasks on hostId (the all-in-one agent registers itself). */
    public void registerLogSource(String hostId, TaskLogSource source)
    {
        logSources.register(hostId, source);
    }

    /** Forgets tasks stopped longer ago than the configured retention; returns how many. */
    public int purgeExpired()
    {
        // the metering records of stopped tasks take their stop from the tasks before those are forgotten
        metering.captureStops();
        return tasks.purgeExpired();
    }

    @Override
    public void close()
    {
        store.close();
    }
}
