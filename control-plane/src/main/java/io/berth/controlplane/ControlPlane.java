package io.berth.controlplane;

import io.berth.common.agentprotocol.TaskLogSource;
import io.berth.controlplane.accounts.AccessKeyLookup;
import io.berth.controlplane.credentials.SessionKeyLookup;
import io.berth.controlplane.credentials.TaskCredentialIssuer;
import io.berth.controlplane.accounts.AccountService;
import io.berth.controlplane.agents.AgentGateway;
import io.berth.controlplane.agents.HostSignals;
import io.berth.controlplane.agents.wakeups.HostChangeRelay;
import io.berth.controlplane.agents.LogSourceRegistry;
import io.berth.controlplane.agents.access.ControlPlaneIdentity;
import io.berth.controlplane.agents.access.HostAccess;
import io.berth.controlplane.agents.http.AgentProtocolHandler;
import io.berth.controlplane.agents.http.HostLogSources;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsErrors;
import io.berth.controlplane.api.JsonService;
import io.berth.controlplane.api.elb.ElbActions;
import io.berth.controlplane.api.query.QueryService;
import io.berth.controlplane.api.sts.StsActions;
import io.berth.controlplane.loadbalancing.LoadBalancingService;
import io.berth.controlplane.loadbalancing.TargetRegistration;
import io.berth.controlplane.api.admin.SetRepositoryPublicEndpoint;
import io.berth.controlplane.api.ecr.EcrActions;
import io.berth.controlplane.api.logs.LogsActions;
import io.berth.controlplane.logs.LogService;
import io.berth.controlplane.logs.TaskLogStreams;
import io.berth.controlplane.api.registry.RegistryTokenEndpoint;
import io.berth.controlplane.api.secretsmanager.SecretsManagerActions;
import io.berth.controlplane.api.ssm.SsmActions;
import io.berth.controlplane.secrets.ParameterService;
import io.berth.controlplane.secrets.SecretCipher;
import io.berth.controlplane.secrets.SecretService;
import io.berth.controlplane.secrets.TaskSecretResolver;
import io.berth.common.agentprotocol.RegistryLogin;
import io.berth.controlplane.registry.HttpRegistryContents;
import io.berth.controlplane.registry.LoginToken;
import io.berth.controlplane.registry.RegistryAccess;
import io.berth.controlplane.registry.RegistryContents;
import io.berth.controlplane.registry.RegistrySettings;
import io.berth.controlplane.registry.RegistryTokens;
import io.berth.controlplane.registry.RepositoryService;
import io.berth.controlplane.registry.TaskRegistryLogins;
import io.berth.controlplane.accountsettings.AccountSettingsService;
import io.berth.controlplane.api.actions.AccountSettingActions;
import io.berth.controlplane.api.actions.ClusterActions;
import io.berth.controlplane.api.actions.ServiceActions;
import io.berth.controlplane.api.actions.TagActions;
import io.berth.controlplane.api.actions.TaskActions;
import io.berth.controlplane.api.actions.TaskProtectionActions;
import io.berth.controlplane.tasks.TaskProtectionService;
import io.berth.controlplane.clusters.TaggedClusters;
import io.berth.controlplane.tagging.ResourceTagging;
import io.berth.controlplane.taskdefinitions.TaggedTaskDefinitions;
import io.berth.controlplane.tasks.TaggedTasks;
import io.berth.controlplane.api.actions.TaskDefinitionActions;
import io.berth.controlplane.api.admin.BillEndpoint;
import io.berth.controlplane.api.admin.CreateAccountEndpoint;
import io.berth.controlplane.api.admin.CreateJoinTokenEndpoint;
import io.berth.controlplane.api.admin.RevokeJoinTokenEndpoint;
import io.berth.controlplane.api.admin.RotateAgentCallKeyEndpoint;
import io.berth.controlplane.api.admin.RotateHostCredentialsEndpoint;
import io.berth.controlplane.api.admin.TaskLogsEndpoint;
import io.berth.controlplane.clusters.ClusterService;
import io.berth.controlplane.api.admin.HostEndpoints;
import io.berth.controlplane.api.admin.SetAccountIsolationEndpoint;
import io.berth.controlplane.api.admin.SetAccountLimitsEndpoint;
import io.berth.controlplane.api.admin.SetEgressEndpoint;
import io.berth.controlplane.api.admin.PatchEndpoints;
import io.berth.controlplane.agents.http.HttpPatchAgents;
import io.berth.controlplane.patching.PatchCoordinator;
import io.berth.controlplane.patching.PatchPlanner;
import io.berth.controlplane.patching.PatchService;
import io.berth.controlplane.hosts.HostService;
import io.berth.controlplane.hosts.SpotInterrupter;
import io.berth.controlplane.leadership.LeaderElection;
import io.berth.controlplane.leadership.NotLeaderException;
import io.berth.controlplane.leadership.ReplicaDirectory;
import io.berth.controlplane.store.jdbc.DataSources;
import io.berth.controlplane.placement.PlacementReports;
import io.berth.controlplane.metering.MeteringService;
import io.berth.controlplane.metrics.ControlPlaneMetrics;
import io.berth.controlplane.events.EventLog;
import io.berth.controlplane.api.admin.EventsEndpoint;
import io.berth.controlplane.network.EgressPolicies;
import io.berth.controlplane.quotas.AccountLimitsService;
import io.berth.controlplane.network.TaskNetwork;
import io.berth.controlplane.metering.RightSizingPolicy;
import io.berth.controlplane.placement.TaskPlacer;
import io.berth.controlplane.scheduler.PlacementEngine;
import io.berth.controlplane.services.ServiceController;
import io.berth.controlplane.services.ServiceControllerSettings;
import io.berth.controlplane.services.ServiceOperations;
import io.berth.controlplane.services.TaggedServices;
import io.berth.controlplane.services.ServiceReconciler;
import io.berth.controlplane.services.LoadBalancerTargets;
import io.berth.controlplane.services.ServiceTargets;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.taskdefinitions.TaskDefinitionService;
import io.berth.controlplane.tasks.TaskService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static java.util.Objects.requireNonNull;

/**
 * The control plane, wired: store, services, ECS actions, admin endpoints and the agent gateway. The HTTP
 * server serves {@link #ecsActions()} and {@link #adminEndpoints()}, authenticating with {@link #accessKeys()};
 * agents talk to {@link #agentGateway()}. The server should call {@link #runMaintenance()} about every second.
 */
public final class ControlPlane
        implements AutoCloseable
{
    private static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

    private final ControlPlaneConfig config;
    private final Store store;
    private final AccountService accounts;
    private final TaskService tasks;
    private final AgentGateway agentGateway;
    private final HostService hosts;
    private final TaskPlacer placer;
    private final HostSignals hostSignals;
    private final TaskNetwork taskNetwork;
    private final EgressPolicies egressPolicies;
    private final AccountLimitsService limits;
    private final HostAccess hostAccess;
    private final ControlPlaneIdentity identity;
    private final AgentProtocolHandler agentProtocol;
    private final MeteringService metering;
    private final LogSourceRegistry logSources = new LogSourceRegistry();
    private Instant lastPurge;
    private final List<EcsAction> ecsActions;
    private final List<JsonService> services;
    private final List<QueryService> queryServices;
    private final LoadBalancingService loadBalancing;
    private final TargetRegistration targetRegistration;
    private final List<AdminEndpoint> adminEndpoints;
    private final RepositoryService repositories;
    private final RegistryTokens registryTokens;
    private final TaskRegistryLogins taskRegistryLogins;
    private final RegistryTokenEndpoint registryTokenEndpoint;
    private final ServiceReconciler serviceReconciler;
    private final LogService logs;
    private final TaskLogStreams taskLogStreams;
    private final TaskCredentialIssuer taskCredentials;
    private final ControlPlaneMetrics metrics;
    private final EventLog events;
    private final LeaderElection leadership;
    private final ReplicaDirectory replicas;
    private final PatchCoordinator patchCoordinator;
    /** Relays host wake-ups between replicas on PostgreSQL; null on SQLite. */
    private final HostChangeRelay wakeups;

    public ControlPlane(ControlPlaneConfig config)
    {
        this(config, new PlacementEngine(new Random()));
    }

    public ControlPlane(ControlPlaneConfig config, PlacementEngine placementEngine)
    {
        this.config = requireNonNull(config, "config is null");
        requireNonNull(placementEngine, "placementEngine is null");
        this.store = Store.open(config.storeUrl());
        String replicaId = ReplicaDirectory.newReplicaId();
        this.leadership = new LeaderElection(store, replicaId, config.clock(), LeaderElection.DEFAULT_LEASE, LeaderElection.DEFAULT_RENEW_INTERVAL);
        this.replicas = new ReplicaDirectory(store, replicaId, config.clock());
        if (DataSources.isSqlite(config.storeUrl())) {
            requireSoleReplica(config.storeUrl());
        }
        this.metrics = new ControlPlaneMetrics(store, leadership::isLeader);
        this.events = new EventLog(store, EventLog.DEFAULT_RETENTION, EventLog.DEFAULT_MAX_EVENTS, config.clock());
        this.accounts = new AccountService(store, config.clock());
        AccountSettingsService accountSettings = new AccountSettingsService(store);
        ClusterService clusters = new ClusterService(store, accountSettings, config.region(), config.clock());
        TaskDefinitionService taskDefinitions = new TaskDefinitionService(store, config.clock());
        this.hostSignals = new HostSignals();
        this.placer = new TaskPlacer(placementEngine, config.hostTimeout(), config.placementTimeout(), metrics);
        this.hostAccess = new HostAccess(store, config.clock());
        this.hosts = new HostService(store, hostSignals, config.hostLostAfter(), config.clock(), hostAccess::credentialChanged);
        this.limits = new AccountLimitsService(store, config.defaultLimits(), config.clock());
        this.logs = new LogService(store, config.clock());
        this.taskLogStreams = new TaskLogStreams(store, logs, config.clock());
        this.tasks = new TaskService(store, clusters, taskDefinitions, placer, limits, hostSignals, config.region(), config.stoppedTaskRetention(), config.clock(),
                taskLogStreams);
        this.taskNetwork = new TaskNetwork(config.taskAddressPlan());
        RegistrySettings registry = config.registry();
        this.registryTokens = registry == null ? null : new RegistryTokens(registry.signingKey(), config.clock());
        this.taskRegistryLogins = registry == null ? null : new TaskRegistryLogins(registryTokens, config.clock());
        RegistryContents registryContents = registry == null ? RegistryContents.NONE : new HttpRegistryContents(registry, registryTokens);
        this.repositories = new RepositoryService(store, registryContents, config.clock());
        this.registryTokenEndpoint = registry == null ? null : new RegistryTokenEndpoint(new RegistryAccess(repositories, registryTokens), config.clock());
        SecretCipher cipher = secretCipher(config);
        SecretService secrets = new SecretService(store, cipher, config.clock());
        ParameterService parameters = new ParameterService(store, cipher, config.clock());
        TaskSecretResolver taskSecrets = new TaskSecretResolver(secrets, parameters);
        this.taskCredentials = new TaskCredentialIssuer(store, accounts::findAccount, config.clock(), TaskCredentialIssuer.DEFAULT_LIFETIME);
        this.agentGateway = new AgentGateway(store, placer, hostSignals, taskNetwork, config.clock(),
                registry == null ? accountId -> null : accountId -> taskRegistryLogin(registry, accountId), taskSecrets::resolve, taskLogStreams,
                task -> taskCredentials.issue(task).orElse(null));
        this.egressPolicies = new EgressPolicies(store, hostSignals);
        this.identity = new ControlPlaneIdentity(config.clock());
        this.agentProtocol = new AgentProtocolHandler(agentGateway, hostAccess, identity, replicas::urls, metrics);
        // a load balancer change wakes every host: the ingress hosts among them take the new plan at once
        this.loadBalancing = new LoadBalancingService(store, config.ingressAddresses(), this::signalEveryHost, config.clock());
        this.targetRegistration = new TargetRegistration(loadBalancing);
        this.queryServices = List.of(new ElbActions(loadBalancing, targetRegistration).service(), StsActions.service());
        this.metering = new MeteringService(store, config.metering(), RightSizingPolicy.DEFAULT, config.clock());

        ServiceController serviceController = new ServiceController(ServiceControllerSettings.DEFAULT, ControlPlane::newDeploymentId,
                () -> UUID.randomUUID().toString());
        ServiceTargets serviceTargets = new LoadBalancerTargets(loadBalancing, targetRegistration);
        this.serviceReconciler = new ServiceReconciler(store, tasks, serviceController, serviceTargets, config.clock());

        List<EcsAction> actions = new ArrayList<>();
        actions.addAll(new ClusterActions(clusters).actions());
        actions.addAll(new TaskDefinitionActions(taskDefinitions).actions());
        actions.addAll(new TaskActions(tasks).actions());
        actions.addAll(new ServiceActions(new ServiceOperations(store, clusters, taskDefinitions, serviceTargets, ControlPlane::newDeploymentId, config.clock())).actions());
        ResourceTagging tagging = new ResourceTagging(store, List.of(new TaggedClusters(), new TaggedTaskDefinitions(), new TaggedTasks(), new TaggedServices()));
        actions.addAll(new TagActions(tagging).actions());
        actions.addAll(new AccountSettingActions(accountSettings).actions());
        actions.addAll(new TaskProtectionActions(new TaskProtectionService(store, clusters, config.clock())).actions());
        this.ecsActions = List.copyOf(actions);
        List<JsonService> served = new ArrayList<>(List.of(JsonService.ecs(ecsActions),
                new JsonService(SecretsManagerActions.SIGNING_NAME, SecretsManagerActions.TARGET_PREFIX, new SecretsManagerActions(secrets).actions()),
                new JsonService(SsmActions.SIGNING_NAME, SsmActions.TARGET_PREFIX, new SsmActions(parameters).actions()),
                new JsonService(JsonService.LOGS_SIGNING_NAME, JsonService.LOGS_TARGET_PREFIX, new LogsActions(logs).actions())));
        if (registry != null) {
            served.add(new JsonService(JsonService.ECR_SIGNING_NAME, JsonService.ECR_TARGET_PREFIX,
                    new EcrActions(repositories, registryTokens, registry.address(), registry.scheme()).actions()));
        }
        this.services = List.copyOf(served);
        List<AdminEndpoint> endpoints = new ArrayList<>(List.of(
                new CreateAccountEndpoint(accounts),
                new TaskLogsEndpoint(tasks, new HostLogSources(logSources, store, identity), agentGateway.taskReports()),
                new BillEndpoint(metering),
                new EventsEndpoint(events),
                new CreateJoinTokenEndpoint(hostAccess),
                new RevokeJoinTokenEndpoint(hostAccess),
                new RotateHostCredentialsEndpoint(hostAccess, hostSignals),
                new RotateAgentCallKeyEndpoint(identity, this::signalEveryHost),
                new SetEgressEndpoint(egressPolicies),
                new SetAccountIsolationEndpoint(accounts),
                new SetAccountLimitsEndpoint(limits),
                new SetRepositoryPublicEndpoint(repositories)));
        SpotInterrupter spotInterrupter = new SpotInterrupter(store, hostSignals, config.clock());
        endpoints.addAll(new HostEndpoints(hosts, new PlacementReports(store), spotInterrupter).endpoints());
        endpoints.addAll(new PatchEndpoints(new PatchService(store, config.clock())).endpoints());
        this.patchCoordinator = new PatchCoordinator(store, hosts, spotInterrupter, hostSignals, new HttpPatchAgents(store, identity),
                new PatchPlanner(), config.clock());
        this.adminEndpoints = endpoints.stream().map(EcsErrors::mapping).toList();
        // replicas on one PostgreSQL store wake each other's agents (last: nothing after it can fail and leave it running); SQLite serves one replica
        this.wakeups = DataSources.isSqlite(config.storeUrl()) ? null : HostChangeRelay.start(config.storeUrl(), replicaId, hostSignals, hostAccess);
    }

    /**
     * SQLite serves one control plane: take the lease now, waiting out one that a crashed server left, and refuse to
     * start while another server on the same file keeps renewing it.
     */
    private void requireSoleReplica(String storeUrl)
    {
        long deadline = System.nanoTime() + LeaderElection.DEFAULT_LEASE.plus(LeaderElection.DEFAULT_RENEW_INTERVAL).toNanos();
        while (!leadership.tick()) {
            if (System.nanoTime() - deadline > 0) {
                String holder = leadership.read().holder();
                store.close();
                throw new IllegalStateException("Another berth server (replica " + holder + ") runs on the SQLite store " + storeUrl
                        + ": SQLite serves one control plane. Stop the other server, or run several on PostgreSQL (--store jdbc:postgresql://...)");
            }
            try {
                Thread.sleep(LeaderElection.DEFAULT_RENEW_INTERVAL.dividedBy(4));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                store.close();
                throw new IllegalStateException("interrupted while waiting for the SQLite store's lease", e);
            }
        }
    }

    /** The key file's cipher, or (no file configured) one whose key lives in memory only. */
    private static SecretCipher secretCipher(ControlPlaneConfig config)
    {
        if (config.secretsKeyFile() == null) {
            log.warn("No secrets key file configured: secrets and parameters are sealed with a key held in memory and are unreadable after a restart");
            return SecretCipher.ephemeral();
        }
        try {
            return SecretCipher.loadOrCreate(config.secretsKeyFile());
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot read or make the secrets key " + config.secretsKeyFile() + ": " + e.getMessage(), e);
        }
    }

    /** ECS's deployment id: ecs-svc/ and 19 digits. */
    private static String newDeploymentId()
    {
        return "ecs-svc/" + ThreadLocalRandom.current().nextLong(1_000_000_000_000_000_000L, Long.MAX_VALUE);
    }

    public ControlPlaneConfig config()
    {
        return config;
    }

    /** This replica's part in the election of the leader, which alone runs the controllers. */
    public LeaderElection leadership()
    {
        return leadership;
    }

    /** The control-plane replicas agents are told about. */
    public ReplicaDirectory replicas()
    {
        return replicas;
    }

    /**
     * Renews (or contends for) the controllers' lease and announces this replica: the server calls it about every
     * second on a thread of its own, so a long maintenance pass does not let the lease lapse.
     */
    public void keepLeadership()
    {
        leadership.tick();
        replicas.refresh();
        // replicas sharing DIR/tls sign with the key another one rotated to within a second
        identity.followKeyDirectory();
    }

    /** The control plane's decisions, for `berth events`. */
    public EventLog events()
    {
        return events;
    }

    /** The Prometheus metrics; the API server feeds its requests in and serves them at /metrics. */
    public ControlPlaneMetrics metrics()
    {
        return metrics;
    }

    public List<EcsAction> ecsActions()
    {
        return ecsActions;
    }

    public List<AdminEndpoint> adminEndpoints()
    {
        return adminEndpoints;
    }

    /** CloudWatch Logs: the log groups, streams and events of each account. */
    public LogService logs()
    {
        return logs;
    }

    /** The JSON 1.1 services the API serves: ECS, CloudWatch Logs, and ECR when this control plane has a registry. */
    public List<JsonService> services()
    {
        return services;
    }

    /** The query protocol services the API serves: ELBv2 and STS. */
    public List<QueryService> queryServices()
    {
        return queryServices;
    }

    public LoadBalancingService loadBalancing()
    {
        return loadBalancing;
    }

    /** Registers and deregisters targets of an account's target groups (what an ECS service's loadBalancers use). */
    public TargetRegistration targetRegistration()
    {
        return targetRegistration;
    }

    private void signalEveryHost()
    {
        store.inTransaction(transaction -> transaction.hosts().all()).forEach(host -> hostSignals.signal(host.hostId()));
    }

    /** The registry's repositories per account. */
    public RepositoryService repositories()
    {
        return repositories;
    }

    /**
     * The registry's token endpoint, for the server to mount at {@link RegistryTokenEndpoint#PREFIX}; empty when
     * this control plane runs no registry.
     */
    public Optional<RegistryTokenEndpoint> registryTokenEndpoint()
    {
        return Optional.ofNullable(registryTokenEndpoint);
    }

    /** A registry login for the account, as GetAuthorizationToken gives it (for fixtures and `berth up`'s own use). */
    public LoginToken registryLogin(String accountId)
    {
        if (registryTokens == null) {
            throw new IllegalStateException("this control plane runs no registry");
        }
        return registryTokens.login(accountId, RegistryTokens.LOGIN_LIFETIME);
    }

    /** What a task of the account pulls with: the account's current task login (see {@link TaskRegistryLogins}). */
    private RegistryLogin taskRegistryLogin(RegistrySettings registry, String accountId)
    {
        return new RegistryLogin(registry.address(), LoginToken.USERNAME, taskRegistryLogins.forTaskOf(accountId).password());
    }

    /** The accounts' keys, and the temporary keys of tasks with a role (requests with a session token). */
    public AccessKeyLookup accessKeys()
    {
        return new SessionKeyLookup(accounts, taskCredentials);
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
    /** The key the control plane signs its calls to agents with, and the CA it trusts them by: the server sets them before it serves. */
    public ControlPlaneIdentity identity()
    {
        return identity;
    }

    /**
     * Checks that the replicas running now prove themselves to agents as this one does (one agent-call key, one CA) and
     * records this one's under url: the server calls it before it serves. IllegalStateException when one differs.
     */
    public void announceIdentity(java.net.URI url)
    {
        identity.announce(store, url, config.clock().instant().minus(ReplicaDirectory.FORGET_AFTER));
    }

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

    /**
     * The task network: the server publishes its API address here once it listens, so every host's plan lets
     * tasks reach it.
     */
    public TaskNetwork taskNetwork()
    {
        return taskNetwork;
    }

    /** The operator's limits on accounts' egress. */
    /** The per-account quotas; also the API edge's {@link io.berth.controlplane.quotas.RequestRates}. */
    public AccountLimitsService limits()
    {
        return limits;
    }

    public EgressPolicies egressPolicies()
    {
        return egressPolicies;
    }

    /** Cordon, drain, removal and the host list, for the operator. */
    public HostService hosts()
    {
        return hosts;
    }

    /**
     * The periodic work of the control plane, cheap enough to run every second: marks silent hosts LOST (stopping
     * their tasks), stops the tasks of hosts whose drain deadline passed, places waiting tasks (stopping those that
     * waited longer than the placement timeout), runs the service controller (tasks at each service's desired count,
     * deployments rolled, see {@link ServiceReconciler}), advances the RUNNING patch run (see {@link PatchCoordinator}), and, at most once a minute, forgets long-stopped tasks (which
     * reads every running task for metering first), deletes log events older than their group's retention and control-plane events past theirs. Each step runs on its own, so one failing does not hold up the
     * others. Called by `berth up` (AllInOne) every second; a standalone server should do the same.
     * <p>
     * Only the leader does this work (see {@link LeaderElection}); on another replica it returns at once. Each step is
     * skipped once this replica stops leading, and each transaction of a step checks the lease under its row lock first,
     * so a replica deposed midway writes nothing more.
     */
    public synchronized void runMaintenance()
    {
        if (!leadership.tick()) {
            return;
        }
        store.fenced(leadership, this::runControllers);
    }

    private void runControllers()
    {
        Instant now = config.clock().instant();
        step("marking lost hosts", hosts::markLostHosts);
        step("finishing drains", hosts::finishDrains);
        step("placing waiting tasks", () -> {
            Set<String> touched = new HashSet<>();
            store.useTransaction(transaction -> {
                touched.clear();
                // never waits for the placement lock: this transaction holds the lease row (the fence), and a renewal that
                // waited behind it while RunTasks' rounds placed timed out and cost the lease (a round that holds the lock
                // places what waits; the next pass, a second later, gets the rest)
                touched.addAll(placer.placeWaitingUnlessPlacing(transaction, config.clock().instant()));
            });
            touched.forEach(hostSignals::signal);
        });
        // after placement, so a service sees its tasks placed; its new tasks are placed at once by RunTask's own pass
        step("reconciling services", serviceReconciler::reconcileAll);
        // after the services, so a patched host's drain sees its service tasks replaced as soon as they are
        step("patching hosts", patchCoordinator::advance);
        if (lastPurge == null || !now.isBefore(lastPurge.plus(PURGE_INTERVAL))) {
            lastPurge = now;
            step("purging stopped tasks", () -> {
                purgeExpired();
                store.useTransaction(transaction -> transaction.placementAttempts().deleteOrphans());
            });
            step("deleting log events past their retention", logs::purgeExpired);
            step("deleting control-plane events past their retention", events::purgeExpired);
            step("forgetting control-plane replicas long gone", replicas::forgetGone);
        }
    }

    private void step(String name, Runnable work)
    {
        if (!leadership.isLeader()) {
            return;
        }
        try {
            work.run();
        }
        catch (NotLeaderException e) {
            log.info("Maintenance stopped while {}: {}", name, e.getMessage());
        }
        catch (RuntimeException e) {
            log.warn("Maintenance failed while {}: {}", name, e.toString());
        }
    }

    /** Gives up the lease (another replica takes over at once) and leaves the replica list, then closes the store. */
    @Override
    public void close()
    {
        leadership.resign();
        replicas.withdraw();
        if (wakeups != null) {
            wakeups.close();
        }
        store.close();
    }
}
