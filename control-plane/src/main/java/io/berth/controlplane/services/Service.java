package io.berth.controlplane.services;

import io.berth.controlplane.clusters.ClusterConfiguration;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.tasks.PlacementOptions;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An ECS service of one account's cluster and the controller's state for it: deployments (the PRIMARY first),
 * events (newest first), the back-off after failing tasks (consecutiveFailures, no launch before launchNotBefore)
 * and the task definition of the last deployment that COMPLETED (where a circuit breaker rolls back to). version
 * is the store's optimistic-concurrency check. propagateTags is SERVICE, TASK_DEFINITION or NONE (null: none).
 * loadBalancers are the target groups its tasks are registered in (empty: none); healthCheckGracePeriodSeconds how
 * long after a task starts its target health failures are ignored (null: 0). pendingStops are its tasks deregistered
 * from their target groups and stopped once the deregistration delay is over (stored, so a restart keeps the delay).
 * capacityProviderStrategy is how its tasks are spread over FARGATE and FARGATE_SPOT (empty: launchType FARGATE).
 */
public record Service(
        String accountId,
        String name,
        String arn,
        String clusterName,
        String clusterArn,
        Status status,
        int desiredCount,
        String taskDefinitionArn,
        String platformVersion,
        DeploymentConfiguration deploymentConfiguration,
        Map<String, Object> networkConfiguration,
        PlacementOptions placement,
        Integer healthCheckGracePeriodSeconds,
        List<ServiceLoadBalancer> loadBalancers,
        List<Tag> tags,
        String propagateTags,
        boolean enableEcsManagedTags,
        String createdBy,
        Instant createdAt,
        List<Deployment> deployments,
        List<ServiceEvent> events,
        int consecutiveFailures,
        Instant launchNotBefore,
        String lastCompletedTaskDefinitionArn,
        boolean steady,
        long version,
        List<PendingStop> pendingStops,
        List<ClusterConfiguration.StrategyItem> capacityProviderStrategy)
{
    public static final String LAUNCH_TYPE = "FARGATE";
    public static final int MAX_EVENTS = 100;

    public enum Status { ACTIVE, DRAINING, INACTIVE }

    public Service
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(name, "name is null");
        requireNonNull(arn, "arn is null");
        requireNonNull(clusterName, "clusterName is null");
        requireNonNull(clusterArn, "clusterArn is null");
        requireNonNull(status, "status is null");
        requireNonNull(taskDefinitionArn, "taskDefinitionArn is null");
        requireNonNull(deploymentConfiguration, "deploymentConfiguration is null");
        networkConfiguration = networkConfiguration == null ? Map.of() : Map.copyOf(networkConfiguration);
        placement = placement == null ? PlacementOptions.NONE : placement;
        loadBalancers = loadBalancers == null ? List.of() : List.copyOf(loadBalancers);
        tags = tags == null ? List.of() : List.copyOf(tags);
        requireNonNull(createdAt, "createdAt is null");
        deployments = deployments == null ? List.of() : List.copyOf(deployments);
        events = events == null ? List.of() : List.copyOf(events.subList(0, Math.min(events.size(), MAX_EVENTS)));
        pendingStops = pendingStops == null ? List.of() : List.copyOf(pendingStops);
        capacityProviderStrategy = capacityProviderStrategy == null ? List.of() : List.copyOf(capacityProviderStrategy);
    }

    /** A service on launchType FARGATE. */
    public Service(String accountId, String name, String arn, String clusterName, String clusterArn, Status status, int desiredCount,
            String taskDefinitionArn, String platformVersion, DeploymentConfiguration deploymentConfiguration, Map<String, Object> networkConfiguration,
            PlacementOptions placement, Integer healthCheckGracePeriodSeconds, List<ServiceLoadBalancer> loadBalancers, List<Tag> tags, String propagateTags,
            boolean enableEcsManagedTags, String createdBy, Instant createdAt, List<Deployment> deployments, List<ServiceEvent> events,
            int consecutiveFailures, Instant launchNotBefore, String lastCompletedTaskDefinitionArn, boolean steady, long version, List<PendingStop> pendingStops)
    {
        this(accountId, name, arn, clusterName, clusterArn, status, desiredCount, taskDefinitionArn, platformVersion, deploymentConfiguration,
                networkConfiguration, placement, healthCheckGracePeriodSeconds, loadBalancers, tags, propagateTags, enableEcsManagedTags, createdBy, createdAt,
                deployments, events, consecutiveFailures, launchNotBefore, lastCompletedTaskDefinitionArn, steady, version, pendingStops, List.of());
    }

    /** A service on launchType FARGATE without tasks waiting for their deregistration delay. */
    public Service(String accountId, String name, String arn, String clusterName, String clusterArn, Status status, int desiredCount,
            String taskDefinitionArn, String platformVersion, DeploymentConfiguration deploymentConfiguration, Map<String, Object> networkConfiguration,
            PlacementOptions placement, Integer healthCheckGracePeriodSeconds, List<ServiceLoadBalancer> loadBalancers, List<Tag> tags, String propagateTags,
            boolean enableEcsManagedTags, String createdBy, Instant createdAt, List<Deployment> deployments, List<ServiceEvent> events,
            int consecutiveFailures, Instant launchNotBefore, String lastCompletedTaskDefinitionArn, boolean steady, long version)
    {
        this(accountId, name, arn, clusterName, clusterArn, status, desiredCount, taskDefinitionArn, platformVersion, deploymentConfiguration,
                networkConfiguration, placement, healthCheckGracePeriodSeconds, loadBalancers, tags, propagateTags, enableEcsManagedTags, createdBy, createdAt,
                deployments, events, consecutiveFailures, launchNotBefore, lastCompletedTaskDefinitionArn, steady, version, List.of());
    }

    /** The group its tasks carry, as ECS sets it. */
    public String taskGroup()
    {
        return "service:" + name;
    }

    public Optional<Deployment> primary()
    {
        return deployments.stream().filter(deployment -> deployment.status() == Deployment.Status.PRIMARY).findFirst();
    }

    /** How long after a task starts its target health failures are ignored. */
    public java.time.Duration gracePeriod()
    {
        return java.time.Duration.ofSeconds(healthCheckGracePeriodSeconds == null ? 0 : healthCheckGracePeriodSeconds);
    }

    public int runningCount()
    {
        return deployments.stream().mapToInt(Deployment::runningCount).sum();
    }

    public int pendingCount()
    {
        return deployments.stream().mapToInt(Deployment::pendingCount).sum();
    }

    public Builder toBuilder()
    {
        return new Builder(this);
    }

    /** Copies a service with some fields changed. */
    public static final class Builder
    {
        private final Service base;
        private Status status;
        private int desiredCount;
        private String taskDefinitionArn;
        private DeploymentConfiguration deploymentConfiguration;
        private Map<String, Object> networkConfiguration;
        private Integer healthCheckGracePeriodSeconds;
        private List<ServiceLoadBalancer> loadBalancers;
        private List<Tag> tags;
        private List<Deployment> deployments;
        private List<ServiceEvent> events;
        private int consecutiveFailures;
        private Instant launchNotBefore;
        private String lastCompletedTaskDefinitionArn;
        private boolean steady;
        private long version;
        private List<PendingStop> pendingStops;
        private List<ClusterConfiguration.StrategyItem> capacityProviderStrategy;

        private Builder(Service service)
        {
            base = service;
            status = service.status;
            desiredCount = service.desiredCount;
            taskDefinitionArn = service.taskDefinitionArn;
            deploymentConfiguration = service.deploymentConfiguration;
            networkConfiguration = service.networkConfiguration;
            healthCheckGracePeriodSeconds = service.healthCheckGracePeriodSeconds;
            loadBalancers = service.loadBalancers;
            tags = service.tags;
            deployments = service.deployments;
            events = service.events;
            consecutiveFailures = service.consecutiveFailures;
            launchNotBefore = service.launchNotBefore;
            lastCompletedTaskDefinitionArn = service.lastCompletedTaskDefinitionArn;
            steady = service.steady;
            version = service.version;
            pendingStops = service.pendingStops;
            capacityProviderStrategy = service.capacityProviderStrategy;
        }

        public Builder status(Status value) { status = value; return this; }

        public Builder desiredCount(int value) { desiredCount = value; return this; }

        public Builder taskDefinitionArn(String value) { taskDefinitionArn = value; return this; }

        public Builder deploymentConfiguration(DeploymentConfiguration value) { deploymentConfiguration = value; return this; }

        public Builder networkConfiguration(Map<String, Object> value) { networkConfiguration = value; return this; }

        public Builder healthCheckGracePeriodSeconds(Integer value) { healthCheckGracePeriodSeconds = value; return this; }

        public Builder loadBalancers(List<ServiceLoadBalancer> value) { loadBalancers = value; return this; }

        public Builder tags(List<Tag> value) { tags = value; return this; }

        public Builder deployments(List<Deployment> value) { deployments = value; return this; }

        public Builder events(List<ServiceEvent> value) { events = value; return this; }

        public Builder consecutiveFailures(int value) { consecutiveFailures = value; return this; }

        public Builder launchNotBefore(Instant value) { launchNotBefore = value; return this; }

        public Builder lastCompletedTaskDefinitionArn(String value) { lastCompletedTaskDefinitionArn = value; return this; }

        public Builder steady(boolean value) { steady = value; return this; }

        public Builder version(long value) { version = value; return this; }

        public Builder pendingStops(List<PendingStop> value) { pendingStops = value; return this; }

        public Builder capacityProviderStrategy(List<ClusterConfiguration.StrategyItem> value) { capacityProviderStrategy = value; return this; }

        public Service build()
        {
            return new Service(base.accountId, base.name, base.arn, base.clusterName, base.clusterArn, status, desiredCount, taskDefinitionArn,
                    base.platformVersion, deploymentConfiguration, networkConfiguration, base.placement, healthCheckGracePeriodSeconds, loadBalancers, tags,
                    base.propagateTags, base.enableEcsManagedTags, base.createdBy, base.createdAt, deployments, events, consecutiveFailures, launchNotBefore,
                    lastCompletedTaskDefinitionArn, steady, version, pendingStops, capacityProviderStrategy);
        }
    }
}
