package io.berth.controlplane.store;

import io.berth.controlplane.clusters.Cluster;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.services.Deployment;
import io.berth.controlplane.services.DeploymentConfiguration;
import io.berth.controlplane.services.Service;
import io.berth.controlplane.services.ServiceLoadBalancer;
import io.berth.controlplane.services.ServiceEvent;
import io.berth.controlplane.tasks.PlacementOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Services in the store, the controller's state included, read back whole (what a restarted control plane carries a
 * deployment on from); run against SQLite and PostgreSQL by the subclasses.
 */
abstract class ServiceRowsContractTest
        extends StoreContractBase
{
    @Test
    void aServiceAndItsDeploymentStateAreReadBackWhole()
    {
        String accountId = newAccount();
        Service service = service(accountId, "web");
        assertThat(store.<Boolean>inTransaction(transaction -> transaction.services().insertOrReplaceInactive(service))).isTrue();
        assertThat(find(accountId, "web")).hasValue(service);
        assertThat(store.<List<String>>inTransaction(transaction -> transaction.services().listLiveArns(accountId, "default", 0, 10)))
                .containsExactly(service.arn());
        assertThat(store.<Long>inTransaction(transaction -> transaction.services().countLive(accountId, "default"))).isEqualTo(1);
        assertThat(store.<List<Service>>inTransaction(transaction -> transaction.services().allLive())).contains(service);
    }

    @Test
    void aLiveNameIsTakenAndAnInactiveOneIsReplaced()
    {
        String accountId = newAccount();
        Service service = service(accountId, "web");
        store.useTransaction(transaction -> transaction.services().insertOrReplaceInactive(service));
        assertThat(store.<Boolean>inTransaction(transaction -> transaction.services().insertOrReplaceInactive(service))).isFalse();

        Service inactive = service.toBuilder().status(Service.Status.INACTIVE).build();
        store.useTransaction(transaction -> transaction.services().updateIfChanged(service, inactive));
        assertThat(store.<Long>inTransaction(transaction -> transaction.services().countLive(accountId, "default"))).isZero();
        assertThat(store.<Boolean>inTransaction(transaction -> transaction.services().insertOrReplaceInactive(service))).isTrue();
        assertThat(find(accountId, "web").orElseThrow().status()).isEqualTo(Service.Status.ACTIVE);
    }

    @Test
    void anUpdateFromAStaleReadIsAConflict()
    {
        String accountId = newAccount();
        Service service = service(accountId, "web");
        store.useTransaction(transaction -> transaction.services().insertOrReplaceInactive(service));
        store.useTransaction(transaction -> transaction.services().updateIfChanged(service, service.toBuilder().desiredCount(5).build()));
        assertThat(find(accountId, "web").orElseThrow().version()).isEqualTo(2);

        Service stale = service.toBuilder().desiredCount(7).build();
        // the store retries a conflict, but a stale read stays stale: it gives up, and nothing is overwritten
        assertThatThrownBy(() -> store.useTransaction(transaction -> transaction.services().updateIfChanged(service, stale)))
                .isInstanceOf(StoreException.class)
                .hasCauseInstanceOf(ConcurrentUpdateException.class);
        assertThat(find(accountId, "web").orElseThrow().desiredCount()).isEqualTo(5);
    }

    @Test
    void anotherAccountsServiceIsNotFound()
    {
        String accountId = newAccount();
        String other = newAccount();
        store.useTransaction(transaction -> transaction.services().insertOrReplaceInactive(service(accountId, "web")));
        assertThat(find(other, "web")).isEmpty();
        assertThat(store.<List<String>>inTransaction(transaction -> transaction.services().listLiveArns(other, "default", 0, 10))).isEmpty();
    }

    private Optional<Service> find(String accountId, String name)
    {
        return store.inTransaction(transaction -> transaction.services().find(accountId, "default", name));
    }

    private static Service service(String accountId, String name)
    {
        String definition = "arn:aws:ecs:us-east-1:" + accountId + ":task-definition/web:1";
        Deployment deployment = Deployment.start("ecs-svc/1234567890123456789", definition, 2, T0).withTasks(List.of("t1", "t2"), 1, 1, 3);
        return new Service(accountId, name, "arn:aws:ecs:us-east-1:" + accountId + ":service/default/" + name, Cluster.DEFAULT_NAME,
                "arn:aws:ecs:us-east-1:" + accountId + ":cluster/default", Service.Status.ACTIVE, 2, definition, "1.4.0",
                new DeploymentConfiguration(150, 50, true, true),
                Map.of("awsvpcConfiguration", Map.of("subnets", List.of("subnet-1"), "assignPublicIp", "DISABLED")),
                new PlacementOptions(List.of(new PlacementOptions.Strategy("spread", "attribute:ecs.availability-zone")), List.of()), 30,
                List.of(new ServiceLoadBalancer("arn:aws:elasticloadbalancing:us-east-1:" + accountId + ":targetgroup/web/0123456789abcdef", "web", 8080)),
                List.of(new Tag("team", "blue")), "SERVICE", true, null, T0, List.of(deployment),
                List.of(new ServiceEvent("e1", T0, "(service web) has started 2 tasks: (task t1) (task t2).")), 2, T0.plusSeconds(2), definition, false, 1);
    }
}
