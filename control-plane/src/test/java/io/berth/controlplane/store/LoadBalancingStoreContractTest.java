package io.berth.controlplane.store;

import io.berth.common.agentprotocol.IngressPlan;
import io.berth.common.agentprotocol.IngressReport;
import io.berth.common.network.Ipv4Cidr;
import io.berth.controlplane.loadbalancing.HealthCheck;
import io.berth.controlplane.loadbalancing.IngressPlans;
import io.berth.controlplane.loadbalancing.Listener;
import io.berth.controlplane.loadbalancing.LoadBalancer;
import io.berth.controlplane.loadbalancing.LoadBalancingException;
import io.berth.controlplane.loadbalancing.LoadBalancingService;
import io.berth.controlplane.loadbalancing.Target;
import io.berth.controlplane.loadbalancing.TargetGroup;
import io.berth.controlplane.loadbalancing.TargetHealth;
import io.berth.controlplane.loadbalancing.TargetRegistration;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.berth.controlplane.loadbalancing.LoadBalancingException.Kind.DUPLICATE_LOAD_BALANCER_NAME;
import static io.berth.controlplane.loadbalancing.LoadBalancingException.Kind.LOAD_BALANCER_NOT_FOUND;
import static io.berth.controlplane.loadbalancing.LoadBalancingException.Kind.PRIORITY_IN_USE;
import static io.berth.controlplane.loadbalancing.LoadBalancingException.Kind.RESOURCE_IN_USE;
import static io.berth.controlplane.loadbalancing.LoadBalancingException.Kind.TARGET_GROUP_NOT_FOUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Load balancers, target groups, listeners, rules and targets in the store; run against SQLite and PostgreSQL by the subclasses. */
abstract class LoadBalancingStoreContractTest
        extends StoreContractBase
{
    private final ManualClock clock = new ManualClock(T0);
    private final AtomicInteger changes = new AtomicInteger();

    private LoadBalancingService service()
    {
        return new LoadBalancingService(store, Ipv4Cidr.parse("127.77.0.0/16"), changes::incrementAndGet, clock);
    }

    @Test
    void namesAreUniquePerAccountAndAddressesAcrossAccounts()
    {
        String a = newAccount();
        String b = newAccount();
        LoadBalancingService service = service();
        LoadBalancer first = service.createLoadBalancer(a, "us-east-2", "web");
        assertThat(first.arn()).startsWith("arn:aws:elasticloadbalancing:us-east-2:" + a + ":loadbalancer/app/web/");
        assertThat(changes.get()).isEqualTo(1);
        assertThatThrownBy(() -> service.createLoadBalancer(a, "us-east-2", "web"))
                .isInstanceOfSatisfying(LoadBalancingException.class, e -> assertThat(e.kind()).isEqualTo(DUPLICATE_LOAD_BALANCER_NAME));
        LoadBalancer other = service.createLoadBalancer(b, "us-east-2", "web");
        assertThat(other.address()).isNotEqualTo(first.address());
        assertThatThrownBy(() -> service.describeLoadBalancers(b, List.of(first.arn()), List.of()))
                .isInstanceOfSatisfying(LoadBalancingException.class, e -> assertThat(e.kind()).isEqualTo(LOAD_BALANCER_NOT_FOUND));
        assertThat(service.describeLoadBalancers(a, List.of(), List.of("web"))).containsExactly(first);
        service.deleteLoadBalancer(a, first.arn());
        assertThat(service.describeLoadBalancers(a, List.of(), List.of())).isEmpty();
    }

    @Test
    void targetsGoFromInitialToHealthyToDrainingToGone()
    {
        String a = newAccount();
        LoadBalancingService service = service();
        TargetRegistration targets = new TargetRegistration(service);
        LoadBalancer loadBalancer = service.createLoadBalancer(a, "us-east-1", "lb");
        TargetGroup group = service.createTargetGroup(a, "us-east-1", "tg", 8080, HealthCheck.DEFAULT);
        service.setDeregistrationDelay(a, group.arn(), 10);
        Target target = new Target("10.213.0.5", 8080);
        targets.register(a, group.arn(), List.of(target));
        assertThat(targets.health(a, group.arn(), List.of())).extracting(TargetHealth::state).containsExactly("unused");

        Listener listener = service.createListener(a, "us-east-1", loadBalancer.arn(), 80, group.arn());
        assertThat(targets.health(a, group.arn(), List.of())).extracting(TargetHealth::state).containsExactly("initial");
        IngressPlan plan = store.inTransaction(transaction -> IngressPlans.build(transaction, clock.instant()));
        IngressPlan.LoadBalancer planned = plan.loadBalancers().stream().filter(each -> each.arn().equals(loadBalancer.arn())).findFirst().orElseThrow();
        assertThat(planned.address()).isEqualTo(loadBalancer.address());
        assertThat(planned.listeners()).extracting(IngressPlan.Listener::arn).containsExactly(listener.arn());
        assertThat(plan.targetGroups().stream().filter(each -> each.arn().equals(group.arn())).findFirst().orElseThrow().targets())
                .containsExactly(new IngressPlan.Target("10.213.0.5", 8080, null));

        String ingress = ingressHost();
        report(ingress, group, "healthy");
        assertThat(targets.health(a, group.arn(), List.of())).extracting(TargetHealth::state).containsExactly("healthy");

        targets.deregister(a, group.arn(), List.of(target));
        assertThat(targets.health(a, group.arn(), List.of())).extracting(TargetHealth::reason).containsExactly("Target.DeregistrationInProgress");
        clock.advance(Duration.ofSeconds(11));
        assertThat(targets.health(a, group.arn(), List.of())).isEmpty();

        assertThatThrownBy(() -> service.deleteTargetGroup(a, group.arn()))
                .isInstanceOfSatisfying(LoadBalancingException.class, e -> assertThat(e.kind()).isEqualTo(RESOURCE_IN_USE));
        assertThatThrownBy(() -> targets.register(newAccount(), group.arn(), List.of(target)))
                .isInstanceOfSatisfying(LoadBalancingException.class, e -> assertThat(e.kind()).isEqualTo(TARGET_GROUP_NOT_FOUND));
    }

    @Test
    void withSeveralIngressHostsATargetsHealthIsTheWorstThatAHostNotLostSees()
    {
        String a = newAccount();
        LoadBalancingService service = service();
        TargetRegistration targets = new TargetRegistration(service);
        LoadBalancer loadBalancer = service.createLoadBalancer(a, "us-east-1", "lb");
        TargetGroup group = service.createTargetGroup(a, "us-east-1", "tg", 8080, HealthCheck.DEFAULT);
        service.createListener(a, "us-east-1", loadBalancer.arn(), 80, group.arn());
        targets.register(a, group.arn(), List.of(new Target("10.213.0.5", 8080)));
        String first = ingressHost();
        String second = ingressHost();

        report(first, group, "healthy");
        report(second, group, "initial");
        assertThat(targets.health(a, group.arn(), List.of())).extracting(TargetHealth::state).as("not yet healthy where the second host checks it")
                .containsExactly("initial");
        report(second, group, "healthy");
        assertThat(targets.health(a, group.arn(), List.of())).extracting(TargetHealth::state).containsExactly("healthy");
        // the last reporter does not win: the first host still sees it unhealthy
        report(first, group, "unhealthy");
        report(second, group, "healthy");
        assertThat(targets.health(a, group.arn(), List.of())).extracting(TargetHealth::state).containsExactly("unhealthy");
        // a lost ingress host's last view no longer counts
        store.useTransaction(transaction -> transaction.hosts().markLostIfSilentSince(first, T0.plusSeconds(3600), T0.plusSeconds(60)));
        report(second, group, "healthy");
        assertThat(targets.health(a, group.arn(), List.of())).extracting(TargetHealth::state).containsExactly("healthy");

        // a target's views go with it
        service.deleteLoadBalancer(a, loadBalancer.arn());
        service.deleteTargetGroup(a, group.arn());
        boolean recorded = store.inTransaction(transaction -> transaction.loadBalancing().recordHealth(second, group.arn(), "10.213.0.5", 8080, "healthy", null, null));
        assertThat(recorded)
                .as("a target no longer registered is not recorded").isFalse();
    }

    private String ingressHost()
    {
        String hostId = "ingress-" + java.util.UUID.randomUUID();
        store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(new io.berth.common.agentprotocol.HostInfo(hostId, "10.0.0.9", 1024, 1024, java.util.Map.of()), T0));
        return hostId;
    }

    private void report(String hostId, TargetGroup group, String state)
    {
        store.useTransaction(transaction -> IngressPlans.recordHealth(transaction, hostId,
                new IngressReport(List.of(new IngressReport.TargetHealth(group.arn(), "10.213.0.5", 8080, state, null, null)))));
    }

    @Test
    void rulePrioritiesAreUniquePerListener()
    {
        String a = newAccount();
        LoadBalancingService service = service();
        LoadBalancer loadBalancer = service.createLoadBalancer(a, "us-east-1", "rules");
        TargetGroup group = service.createTargetGroup(a, "us-east-1", "rules", 80, HealthCheck.DEFAULT);
        Listener listener = service.createListener(a, "us-east-1", loadBalancer.arn(), 80, group.arn());
        service.createRule(a, "us-east-1", listener.arn(), 5, List.of("/api/*"), List.of(), group.arn());
        assertThatThrownBy(() -> service.createRule(a, "us-east-1", listener.arn(), 5, List.of(), List.of("*.example.com"), group.arn()))
                .isInstanceOfSatisfying(LoadBalancingException.class, e -> assertThat(e.kind()).isEqualTo(PRIORITY_IN_USE));
        assertThat(service.describeRules(a, listener.arn(), List.of())).hasSize(1);
        service.deleteLoadBalancer(a, loadBalancer.arn());
        service.deleteTargetGroup(a, group.arn());
        assertThat(service.describeTargetGroups(a, null, List.of(), List.of())).isEmpty();
    }
}
