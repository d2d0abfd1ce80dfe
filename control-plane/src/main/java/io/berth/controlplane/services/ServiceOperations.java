package io.berth.controlplane.services;

import io.berth.controlplane.resources.ConflictException;
import io.berth.controlplane.clusters.CapacityProviders;
import io.berth.controlplane.clusters.Cluster;
import io.berth.controlplane.clusters.ClusterConfiguration;
import io.berth.controlplane.idempotency.ClientTokens;
import io.berth.controlplane.clusters.ClusterService;
import io.berth.controlplane.resources.Arns;
import io.berth.controlplane.resources.Described;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.resources.Page;
import io.berth.controlplane.resources.PageRequest;
import io.berth.controlplane.resources.TagRules;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.taskdefinitions.ContainerDefinition;
import io.berth.controlplane.taskdefinitions.TaskDefinition;
import io.berth.controlplane.taskdefinitions.TaskDefinitionService;
import io.berth.controlplane.tasks.NetworkConfigurationRules;
import io.berth.controlplane.tasks.TaskService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * CreateService, UpdateService, DeleteService, DescribeServices and ListServices over the store. They change what a
 * service wants (desired count, a new deployment, DRAINING); the {@link ServiceReconciler} makes its tasks follow.
 */
public final class ServiceOperations
{
    private static final Logger log = LoggerFactory.getLogger(ServiceOperations.class);
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,255}");
    private static final Set<String> PROPAGATE_TAGS = Set.of("SERVICE", "TASK_DEFINITION", "NONE");
    private static final int MAX_DESCRIBED = 10;

    private final Store store;
    private final ClusterService clusters;
    private final TaskDefinitionService taskDefinitions;
    private final ServiceTargets targets;
    private final Supplier<String> deploymentIds;
    private final Clock clock;
    private final ClientTokens clientTokens;

    public ServiceOperations(Store store, ClusterService clusters, TaskDefinitionService taskDefinitions, ServiceTargets targets, Supplier<String> deploymentIds,
            Clock clock)
    {
        this.targets = requireNonNull(targets, "targets is null");
        this.store = requireNonNull(store, "store is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.taskDefinitions = requireNonNull(taskDefinitions, "taskDefinitions is null");
        this.deploymentIds = requireNonNull(deploymentIds, "deploymentIds is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.clientTokens = new ClientTokens(clock);
    }

    public Service create(String accountId, String region, CreateServiceCommand command)
    {
        String name = command.serviceName();
        if (name == null || !NAME.matcher(name).matches()) {
            throw InvalidRequestException.invalidValue("serviceName is required: up to 255 letters, numbers, underscores and hyphens" + (name == null ? "." : ", got '" + name + "'."));
        }
        if (command.taskDefinition() == null || command.taskDefinition().isEmpty()) {
            throw InvalidRequestException.invalidValue("taskDefinition is required: give the family, family:revision or ARN of the task definition to run.");
        }
        if (command.desiredCount() == null) {
            throw InvalidRequestException.invalidValue("desiredCount is required for a REPLICA service.");
        }
        checkDesiredCount(command.desiredCount());
        checkLaunch(command.launchType(), command.platformVersion());
        if (command.propagateTags() != null && !PROPAGATE_TAGS.contains(command.propagateTags())) {
            throw InvalidRequestException.invalidValue("Invalid propagateTags '" + command.propagateTags() + "': use SERVICE, TASK_DEFINITION or NONE.");
        }
        TagRules.check(command.tags());
        DeploymentConfiguration configuration = command.deploymentConfiguration().applyTo(DeploymentConfiguration.DEFAULT);
        try {
            command.placement().validate();
        }
        catch (IllegalArgumentException e) {
            throw InvalidRequestException.invalidValue(e.getMessage());
        }
        checkLoadBalancing(accountId, command.loadBalancers(), command.healthCheckGracePeriodSeconds());
        Service created = store.inTransaction(transaction -> {
            Cluster cluster = clusters.resolve(transaction, accountId, command.cluster());
            // a token is the cluster's, as in ECS; a repeat of the same request answers the service it created
            String tokenScope = "CreateService:" + cluster.name();
            Optional<Service> repeated = clientTokens.replay(transaction, accountId, tokenScope, command.clientToken())
                    .flatMap(arns -> transaction.services().find(accountId, cluster.name(), name));
            if (repeated.isPresent()) {
                return repeated.get();
            }
            List<ClusterConfiguration.StrategyItem> strategy = capacityProviderStrategy(cluster, command);
            TaskDefinition definition = activeDefinition(transaction, accountId, command.taskDefinition());
            checkContainers(definition, command.loadBalancers());
            // checked here as RunTask checks it, so a service never launches tasks that cannot start
            NetworkConfigurationRules.check(definition.networkMode(), command.networkConfiguration());
            Instant now = clock.instant();
            Deployment primary = Deployment.start(deploymentIds.get(), definition.arn(), command.desiredCount(), now);
            Service service = new Service(accountId, name, Arns.service(region, accountId, cluster.name(), name), cluster.name(), cluster.arn(),
                    Service.Status.ACTIVE, command.desiredCount(), definition.arn(), TaskService.PLATFORM_VERSION, configuration, command.networkConfiguration(),
                    command.placement(), command.healthCheckGracePeriodSeconds(), command.loadBalancers(), command.tags(), command.propagateTags(), command.enableEcsManagedTags(), null, now, List.of(primary), List.of(),
                    0, null, null, false, 1, List.of(), strategy);
            if (!transaction.services().insertOrReplaceInactive(service)) {
                // ECS's words for a second CreateService of a live name
                throw InvalidRequestException.invalidValue("Creation of service was not idempotent.");
            }
            clientTokens.record(transaction, accountId, tokenScope, command.clientToken(), List.of(service.arn()));
            return service;
        });
        log.info("Service {} created for account {}: {} tasks of {}", created.arn(), accountId, created.desiredCount(), created.taskDefinitionArn());
        return created;
    }

    public Service update(String accountId, UpdateServiceCommand command)
    {
        if (command.desiredCount() != null) {
            checkDesiredCount(command.desiredCount());
        }
        checkLaunch(null, command.platformVersion());
        if (command.loadBalancers() != null) {
            command.loadBalancers().forEach(entry -> targets.check(accountId, entry.targetGroupArn()));
        }
        Service updated = store.inTransaction(transaction -> {
            Cluster cluster = clusters.resolve(transaction, accountId, command.cluster());
            Service service = find(transaction, accountId, cluster, command.service());
            if (service.status() != Service.Status.ACTIVE) {
                throw new ConflictException(ConflictException.Kind.SERVICE_NOT_ACTIVE, "Service was not ACTIVE.");
            }
            Instant now = clock.instant();
            TaskDefinition definition = command.taskDefinition() == null ? null : activeDefinition(transaction, accountId, command.taskDefinition());
            String definitionArn = definition == null ? service.taskDefinitionArn() : definition.arn();
            if (definition != null) {
                NetworkConfigurationRules.check(definition.networkMode(),
                        command.networkConfiguration() == null ? service.networkConfiguration() : command.networkConfiguration());
            }
            else if (command.networkConfiguration() != null) {
                // Fargate task definitions are all awsvpc
                NetworkConfigurationRules.check("awsvpc", command.networkConfiguration());
            }
            List<ServiceLoadBalancer> loadBalancers = command.loadBalancers() == null ? service.loadBalancers() : command.loadBalancers();
            Integer gracePeriod = command.healthCheckGracePeriodSeconds() == null ? service.healthCheckGracePeriodSeconds() : command.healthCheckGracePeriodSeconds();
            checkGracePeriod(loadBalancers, gracePeriod);
            if (definition != null || command.loadBalancers() != null) {
                checkContainers(definition != null ? definition : activeDefinition(transaction, accountId, definitionArn), loadBalancers);
            }
            List<ClusterConfiguration.StrategyItem> strategy = command.capacityProviderStrategy() == null
                    ? service.capacityProviderStrategy() : command.capacityProviderStrategy();
            if (!strategy.equals(service.capacityProviderStrategy())) {
                // ECS's rule and words: the new strategy takes effect with a deployment of its own
                if (!command.forceNewDeployment()) {
                    throw InvalidRequestException.invalidValue("When switching from launch type to capacity provider strategy on an existing service, or making a "
                            + "change to a capacity provider strategy on a service that is already using one, you must force a new deployment.");
                }
                CapacityProviders.checkAssociated(strategy, cluster.configuration().capacityProviders());
            }
            int desired = command.desiredCount() == null ? service.desiredCount() : command.desiredCount();
            boolean networkChanged = command.networkConfiguration() != null && !command.networkConfiguration().equals(service.networkConfiguration());
            boolean loadBalancersChanged = !loadBalancers.equals(service.loadBalancers());
            boolean newDeployment = command.forceNewDeployment() || networkChanged || loadBalancersChanged || !definitionArn.equals(service.taskDefinitionArn());
            List<Deployment> deployments = new ArrayList<>();
            if (newDeployment) {
                deployments.add(Deployment.start(deploymentIds.get(), definitionArn, desired, now));
                service.deployments().forEach(deployment -> deployments.add(deployment.status() == Deployment.Status.PRIMARY
                        ? deployment.withStatus(Deployment.Status.ACTIVE, now) : deployment));
            }
            else {
                service.deployments().forEach(deployment -> deployments.add(deployment.status() == Deployment.Status.PRIMARY
                        ? deployment.withDesiredCount(desired, now) : deployment));
            }
            Service after = service.toBuilder()
                    .desiredCount(desired)
                    .taskDefinitionArn(definitionArn)
                    .deploymentConfiguration(command.deploymentConfiguration().applyTo(service.deploymentConfiguration()))
                    .networkConfiguration(command.networkConfiguration() == null ? service.networkConfiguration() : command.networkConfiguration())
                    .loadBalancers(loadBalancers)
                    .healthCheckGracePeriodSeconds(gracePeriod)
                    .capacityProviderStrategy(strategy)
                    .deployments(deployments)
                    .steady(service.steady() && !newDeployment && desired == service.desiredCount())
                    .build();
            transaction.services().updateIfChanged(service, after);
            return find(transaction, accountId, cluster, service.name());
        });
        log.info("Service {} updated: {} tasks of {}, {} deployments", updated.arn(), updated.desiredCount(), updated.taskDefinitionArn(), updated.deployments().size());
        return updated;
    }

    /** DeleteService: DRAINING with desired count 0 (its tasks stop), INACTIVE once none is left. Refused while scaled above 0 unless force. */
    public Service delete(String accountId, String clusterReference, String serviceReference, boolean force)
    {
        Service deleted = store.inTransaction(transaction -> {
            Cluster cluster = clusters.resolve(transaction, accountId, clusterReference);
            Service service = find(transaction, accountId, cluster, serviceReference);
            if (service.status() == Service.Status.INACTIVE) {
                throw new ConflictException(ConflictException.Kind.SERVICE_NOT_ACTIVE, "Service was not ACTIVE.");
            }
            if (service.status() == Service.Status.DRAINING) {
                return service;
            }
            if (service.desiredCount() > 0 && !force) {
                throw InvalidRequestException.invalidValue("The service cannot be stopped while it is scaled above 0. Set desiredCount to 0 first, or delete with force.");
            }
            Service draining = service.toBuilder().status(Service.Status.DRAINING).desiredCount(0).steady(false).build();
            transaction.services().updateIfChanged(service, draining);
            return find(transaction, accountId, cluster, service.name());
        });
        log.info("Service {} deleted: DRAINING", deleted.arn());
        return deleted;
    }

    public Described<Service> describe(String accountId, String region, String clusterReference, List<String> references)
    {
        if (references == null || references.isEmpty()) {
            throw InvalidRequestException.invalidValue("services cannot be empty: name up to " + MAX_DESCRIBED + " services.");
        }
        if (references.size() > MAX_DESCRIBED) {
            throw InvalidRequestException.invalidValue("At most " + MAX_DESCRIBED + " services can be described at once, got " + references.size() + ".");
        }
        return store.inTransaction(transaction -> {
            Cluster cluster = clusters.resolve(transaction, accountId, clusterReference);
            List<Service> found = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String reference : references) {
                Optional<Service> service = lookup(transaction, accountId, cluster, reference);
                if (service.isPresent()) {
                    found.add(service.get());
                }
                else {
                    missing.add(reference.startsWith("arn:") ? reference : Arns.service(region, accountId, cluster.name(), reference));
                }
            }
            return new Described<>(found, missing);
        });
    }

    /** ARNs of the cluster's ACTIVE and DRAINING services; launchType FARGATE (or none) and schedulingStrategy REPLICA (or none) match all. */
    public Page<String> listArns(String accountId, String clusterReference, String launchType, String schedulingStrategy, PageRequest page)
    {
        if (launchType != null && !Set.of("FARGATE", "EC2", "EXTERNAL").contains(launchType)) {
            throw InvalidRequestException.invalidValue("Invalid launchType '" + launchType + "': use FARGATE, EC2 or EXTERNAL.");
        }
        if (schedulingStrategy != null && !Set.of("REPLICA", "DAEMON").contains(schedulingStrategy)) {
            throw InvalidRequestException.invalidValue("Invalid schedulingStrategy '" + schedulingStrategy + "': use REPLICA or DAEMON.");
        }
        return store.inTransaction(transaction -> {
            Cluster cluster = clusters.resolve(transaction, accountId, clusterReference);
            // every Berth service is a FARGATE REPLICA service: other filters match none
            if ((launchType != null && !launchType.equals(Service.LAUNCH_TYPE)) || (schedulingStrategy != null && !schedulingStrategy.equals("REPLICA"))) {
                return new Page<String>(List.of(), null);
            }
            List<String> arns = transaction.services().listLiveArns(accountId, cluster.name(), page.offset(), page.maxResults() + 1);
            return Page.of(arns, page.offset(), page.maxResults());
        });
    }

    private static Service find(StoreTransaction transaction, String accountId, Cluster cluster, String reference)
    {
        if (reference == null || reference.isEmpty()) {
            throw InvalidRequestException.invalidValue("service is required: give the service name or ARN.");
        }
        return lookup(transaction, accountId, cluster, reference).orElseThrow(ServiceNotFoundException::new);
    }

    /** The service a name or ARN (service/CLUSTER/NAME, or the old service/NAME) names in the cluster; empty for another account's ARN. */
    private static Optional<Service> lookup(StoreTransaction transaction, String accountId, Cluster cluster, String reference)
    {
        return Arns.resourceId(reference, "service", accountId)
                .flatMap(id -> {
                    int slash = id.lastIndexOf('/');
                    if (slash >= 0 && !id.substring(0, slash).equals(cluster.name())) {
                        return Optional.empty();
                    }
                    return transaction.services().find(accountId, cluster.name(), id.substring(slash + 1));
                });
    }

    private TaskDefinition activeDefinition(StoreTransaction transaction, String accountId, String reference)
    {
        TaskDefinition definition = taskDefinitions.find(transaction, accountId, reference)
                .orElseThrow(() -> InvalidRequestException.refused("TaskDefinition not found."));
        if (definition.status() != TaskDefinition.Status.ACTIVE) {
            throw InvalidRequestException.refused("TaskDefinition is inactive: " + definition.arn() + ". Register a new revision or use an ACTIVE one.");
        }
        definition.checkFargateCompatible();
        return definition;
    }

    /** The target groups exist in the account and a load balancer uses them; a grace period goes with load balancers only. */
    private void checkLoadBalancing(String accountId, List<ServiceLoadBalancer> loadBalancers, Integer gracePeriod)
    {
        checkGracePeriod(loadBalancers, gracePeriod);
        loadBalancers.forEach(entry -> targets.check(accountId, entry.targetGroupArn()));
    }

    private static void checkGracePeriod(List<ServiceLoadBalancer> loadBalancers, Integer gracePeriod)
    {
        if (gracePeriod == null) {
            return;
        }
        if (loadBalancers.isEmpty()) {
            throw InvalidRequestException.invalidValue("Health check grace period is only valid for services configured to use load balancers");
        }
        if (gracePeriod < 0) {
            throw InvalidRequestException.invalidValue("healthCheckGracePeriodSeconds cannot be negative, got " + gracePeriod + ".");
        }
    }

    /** Each entry's container is in the task definition and has the port in its portMappings, as ECS checks. */
    private static void checkContainers(TaskDefinition definition, List<ServiceLoadBalancer> loadBalancers)
    {
        for (ServiceLoadBalancer entry : loadBalancers) {
            ContainerDefinition container = definition.containerDefinitions().stream()
                    .filter(candidate -> candidate.name().equals(entry.containerName()))
                    .findFirst()
                    .orElseThrow(() -> InvalidRequestException.invalidValue("The container " + entry.containerName() + " does not exist in the task definition."));
            boolean hasPort = container.portMappings().stream()
                    .anyMatch(mapping -> mapping.containerPort() != null && mapping.containerPort() == entry.containerPort());
            if (!hasPort) {
                throw InvalidRequestException.invalidValue("The container " + entry.containerName() + " did not have a container port " + entry.containerPort() + " defined.");
            }
        }
    }

    /**
     * The service's strategy as ECS decides it: the one asked for, else (with no launchType either) the cluster's
     * default strategy, else none (launchType FARGATE). A strategy may name only the cluster's providers.
     */
    private static List<ClusterConfiguration.StrategyItem> capacityProviderStrategy(Cluster cluster, CreateServiceCommand command)
    {
        List<ClusterConfiguration.StrategyItem> strategy = command.capacityProviderStrategy();
        if (!strategy.isEmpty() && command.launchType() != null) {
            throw InvalidRequestException.invalidValue("Specifying both a launchType and a capacityProviderStrategy is not supported: give one of them.");
        }
        if (strategy.isEmpty() && command.launchType() == null) {
            strategy = cluster.configuration().defaultCapacityProviderStrategy();
        }
        CapacityProviders.checkAssociated(strategy, cluster.configuration().capacityProviders());
        return strategy;
    }

    private static void checkDesiredCount(int desiredCount)
    {
        if (desiredCount < 0) {
            throw InvalidRequestException.invalidValue("desiredCount cannot be negative, got " + desiredCount + ".");
        }
    }

    private static void checkLaunch(String launchType, String platformVersion)
    {
        if (launchType != null && !launchType.equals(Service.LAUNCH_TYPE)) {
            throw InvalidRequestException.invalidValue("Berth runs services on FARGATE only; launchType " + launchType + " is not supported. Omit launchType or set it to FARGATE.");
        }
        if (platformVersion != null && !platformVersion.equals("LATEST") && !platformVersion.equals(TaskService.PLATFORM_VERSION)) {
            throw InvalidRequestException.invalidValue("Platform version " + platformVersion + " is not supported: use LATEST or " + TaskService.PLATFORM_VERSION + ".");
        }
    }
}
