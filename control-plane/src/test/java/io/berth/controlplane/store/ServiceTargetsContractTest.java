package io.berth.controlplane.store;

import io.berth.common.agentprotocol.IngressReport;
import io.berth.common.network.Ipv4Cidr;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.loadbalancing.HealthCheck;
import io.berth.controlplane.loadbalancing.IngressPlans;
import io.berth.controlplane.loadbalancing.LoadBalancer;
import io.berth.controlplane.loadbalancing.LoadBalancingService;
import io.berth.controlplane.loadbalancing.TargetGroup;
import io.berth.controlplane.loadbalancing.TargetHealth;
import io.berth.controlplane.loadbalancing.TargetRegistration;
import io.berth.controlplane.services.DeploymentConfiguration;
import io.berth.controlplane.services.LoadBalancerTargets;
import io.berth.controlplane.services.Service;
import io.berth.controlplane.services.ServiceLoadBalancer;
import io.berth.controlplane.services.ServiceTask;
import io.berth.controlplane.services.TargetStatus;
import io.berth.controlplane.tasks.TaskStatus;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A service's tasks as targets of Berth's own load balancers ({@link LoadBalancerTargets}) over the store: ECS's
 * checks of a target group, registration of ready tasks only, health as the service counts it, deregistration with
 * the group's delay, and a target group deleted under the service (no failure, never healthy). SQLite and PostgreSQL
 * by the subclasses.
 */
abstract class ServiceTargetsContractTest
        extends StoreContractBase
{
    private static final String ADDRESS = "10.213.0.7";
    private static final String INGRESS_HOST = "ingress-" + java.util.UUID.randomUUID();

    private final ManualClock clock = new ManualClock(T0);
    private LoadBalancingService loadBalancing;
    private TargetRegistration registration;
    private LoadBalancerTargets targets;
    private String account;
    private TargetGroup group;

    private void setUp(boolean withListener)
    {
        loadBalancing = new LoadBalancingService(store, Ipv4Cidr.parse("127.77.0.0/16"), () -> {}, clock);
        registration = new TargetRegistration(loadBalancing);
        targets = new LoadBalancerTargets(loadBalancing, registration);
        account = newAccount();
        group = loadBalancing.createTargetGroup(account, "us-east-1", "web", 8080, HealthCheck.DEFAULT);
        loadBalancing.setDeregistrationDelay(account, group.arn(), 7);
        if (withListener) {
            LoadBalancer loadBalancer = loadBalancing.createLoadBalancer(account, "us-east-1", "web");
            loadBalancing.createListener(account, "us-east-1", loadBalancer.arn(), 80, group.arn());
        }
    }

    @Test
    void aTargetGroupMustBeTheCallersAndUsedByALoadBalancer()
    {
        setUp(false);
        assertThatThrownBy(() -> targets.check(account, group.arn()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("The target group with targetGroupArn " + group.arn() + " does not have an associated load balancer.");
        assertThatThrownBy(() -> targets.check(newAccount(), group.arn()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("The target group with targetGroupArn " + group.arn() + " does not exist.");
        LoadBalancer loadBalancer = loadBalancing.createLoadBalancer(account, "us-east-1", "web");
        loadBalancing.createListener(account, "us-east-1", loadBalancer.arn(), 80, group.arn());
        targets.check(account, group.arn());
    }

    @Test
    void aReadyTaskIsRegisteredAndCountsOnceHealthy()
    {
        setUp(true);
        Service service = service();
        assertThat(targets.sync(service, task("UNKNOWN"))).isEqualTo(TargetStatus.PENDING);
        assertThat(states()).as("a task whose container health check has not passed is not registered").isEmpty();

        assertThat(targets.sync(service, task(null))).isEqualTo(TargetStatus.PENDING);
        assertThat(states()).containsExactly("initial");
        assertThat(targets.sync(service, task(null))).isEqualTo(TargetStatus.PENDING);
        assertThat(states()).as("registered once").containsExactly("initial");

        report("healthy");
        assertThat(targets.sync(service, task(null))).isEqualTo(TargetStatus.HEALTHY);
        report("unhealthy");
        assertThat(targets.sync(service, task(null))).isEqualTo(TargetStatus.unhealthy(group.arn()));
    }

    @Test
    void aTaskIsDrainedForTheDeregistrationDelayBeforeItsStop()
    {
        setUp(true);
        Service service = service();
        assertThat(targets.deregister(service, task(null))).as("never registered: nothing to wait for").isZero();
        targets.sync(service, task(null));
        report("healthy");
        assertThat(targets.deregister(service, task(null))).isEqualTo(Duration.ofSeconds(7));
        assertThat(states()).containsExactly("draining");
        // again (a restarted control plane): still draining, the whole delay again is the safe side
        assertThat(targets.deregister(service, task(null))).isEqualTo(Duration.ofSeconds(7));
        clock.advance(Duration.ofSeconds(8));
        assertThat(states()).isEmpty();
    }

    @Test
    void aTargetGroupDeletedUnderTheServiceLeavesItsTasksPendingWithoutFailing()
    {
        setUp(false);
        Service service = service();
        targets.sync(service, task(null));
        loadBalancing.deleteTargetGroup(account, group.arn());
        assertThat(targets.sync(service, task(null))).isEqualTo(TargetStatus.PENDING);
        assertThat(targets.deregister(service, task(null))).isZero();
    }

    private void report(String state)
    {
        store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(new io.berth.common.agentprotocol.HostInfo(INGRESS_HOST, "10.0.0.9", 1024, 1024, java.util.Map.of()), T0));
        store.useTransaction(transaction -> IngressPlans.recordHealth(transaction, INGRESS_HOST,
                new IngressReport(List.of(new IngressReport.TargetHealth(group.arn(), ADDRESS, 8080, state, null, null)))));
    }

    private List<String> states()
    {
        return registration.health(account, group.arn(), List.of()).stream().map(TargetHealth::state).toList();
    }

    private Service service()
    {
        return new Service(account, "web", "arn:aws:ecs:us-east-1:" + account + ":service/default/web", "default",
                "arn:aws:ecs:us-east-1:" + account + ":cluster/default", Service.Status.ACTIVE, 1, "arn:aws:ecs:us-east-1:" + account + ":task-definition/web:1",
                "1.4.0", DeploymentConfiguration.DEFAULT, null, null, null, List.of(new ServiceLoadBalancer(group.arn(), "web", 8080)), null, null, false, null,
                T0, List.of(), List.of(), 0, null, null, false, 1);
    }

    private static ServiceTask task(String healthStatus)
    {
        return new ServiceTask("t1", "ecs-svc/1", TaskStatus.RUNNING, TaskStatus.RUNNING, T0, T0, null, null, healthStatus, false, null, false, ADDRESS, false,
                TargetStatus.NONE, false);
    }
}
