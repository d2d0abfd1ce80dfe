package io.berth.controlplane.scheduler;

import io.berth.common.agentprotocol.IsolationTier;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.berth.controlplane.scheduler.Hosts.host;
import static io.berth.controlplane.scheduler.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class PlacementEngineTest
{
    @Test
    void binpackOnMemoryPicksTheFullestHostThatFits()
    {
        SchedulerHarness harness = new SchedulerHarness(
                host("empty").build(),
                host("half").allocated(0, 4096).build(),
                host("nearly-full").allocated(0, 7900).build());

        assertThat(harness.hostOf(task("t").size(256, 1024).binpack("memory").build())).isEqualTo("half");
        assertThat(harness.hostOf(task("t").size(256, 256).binpack("memory").build())).isEqualTo("nearly-full");
    }

    @Test
    void binpackOnCpuPicksTheHostWithLeastCpuLeft()
    {
        SchedulerHarness harness = new SchedulerHarness(
                host("a").allocated(3072, 0).build(),
                host("b").allocated(1024, 0).build());

        assertThat(harness.hostOf(task("t").size(1024, 512).binpack("cpu").build())).isEqualTo("a");
        assertThat(harness.hostOf(task("t").size(2048, 512).binpack("cpu").build())).isEqualTo("b");
    }

    @Test
    void binpackFillsOneHostBeforeTheNext()
    {
        SchedulerHarness harness = new SchedulerHarness(host("a").build(), host("b").build(), host("c").build());

        PlacementPlan plan = harness.place(task("t").size(1024, 2048).binpack("memory").times(6));

        assertThat(plan.countsByHost()).containsExactly(entry("a", 4L), entry("b", 2L));
    }

    @Test
    void spreadOnInstanceIdEvensOutTasksOfTheGroup()
    {
        SchedulerHarness harness = new SchedulerHarness(host("a").build(), host("b").build(), host("c").build());

        PlacementPlan plan = harness.place(task("t").spread("instanceId").times(7));

        assertThat(plan.countsByHost()).containsExactly(entry("a", 3L), entry("b", 2L), entry("c", 2L));
    }

    @Test
    void spreadOfManyGroupsEvensOutTheWholeCluster()
    {
        SchedulerHarness harness = new SchedulerHarness(host("a").build(), host("b").build(), host("c").build());
        List<PlacementRequest> requests = new ArrayList<>();
        for (int group = 0; group < 6; group++) {
            requests.add(task("t" + group).group("family:f" + group).spread("instanceId").build());
        }

        assertThat(harness.place(requests).countsByHost()).containsExactly(entry("a", 2L), entry("b", 2L), entry("c", 2L));
    }

    @Test
    void spreadFallsBackToHostsWithTasksOfTheGroupWhenNoOtherFits()
    {
        SchedulerHarness harness = new SchedulerHarness(
                host("a").tasks("family:app", 1).build(),
                host("b").tasks("family:app", 2).build(),
                host("c").allocated(0, 8192).build());

        assertThat(harness.hostOf(task("t").spread("instanceId").build())).isEqualTo("a");
        assertThat(harness.hostOf(task("t").spread("instanceId").binpack("memory").build())).isEqualTo("a");
    }

    @Test
    void spreadCountsTasksAlreadyRunningInTheGroupOnly()
    {
        SchedulerHarness harness = new SchedulerHarness(
                host("a").tasks("family:app", 2).build(),
                host("b").tasks("family:app", 1).tasks("family:other", 5).build(),
                host("c").tasks("family:app", 2).build());

        assertThat(harness.hostOf(task("t").spread("host").build())).isEqualTo("b");
    }

    @Test
    void spreadOverAvailabilityZonesBalancesZonesNotHosts()
    {
        SchedulerHarness harness = new SchedulerHarness(
                host("a1").zone("a").build(),
                host("a2").zone("a").build(),
                host("a3").zone("a").build(),
                host("b1").zone("b").build());

        PlacementPlan plan = harness.place(task("t").spread("attribute:ecs.availability-zone").times(4));

        assertThat(plan.assignments().stream().filter(assignment -> assignment.hostId().equals("b1")).count()).isEqualTo(2);
    }

    @Test
    void defaultSpreadsOverZonesThenBinpacksMemoryInsideAZone()
    {
        SchedulerHarness harness = new SchedulerHarness(
                host("a1").zone("a").build(),
                host("a2").zone("a").allocated(0, 4096).build(),
                host("b1").zone("b").build(),
                host("b2").zone("b").allocated(0, 2048).build());

        PlacementPlan plan = harness.place(task("t").size(256, 1024).times(4));

        assertThat(plan.hostFor("t-1")).contains("a2");
        assertThat(plan.hostFor("t-2")).contains("b2");
        assertThat(plan.hostFor("t-3")).contains("a2");
        assertThat(plan.hostFor("t-4")).contains("b2");
    }

    @Test
    void defaultSkipsAZoneWhereNothingFits()
    {
        SchedulerHarness harness = new SchedulerHarness(
                host("a1").zone("a").allocated(0, 8000).build(),
                host("b1").zone("b").tasks("family:app", 3).build());

        assertThat(harness.hostOf(task("t").size(256, 1024).build())).isEqualTo("b1");
    }

    @Test
    void spreadThenBinpackBreaksSpreadTiesByFullness()
    {
        SchedulerHarness harness = new SchedulerHarness(
                host("a").build(),
                host("b").allocated(0, 6000).build(),
                host("c").allocated(0, 3000).build());

        assertThat(harness.hostOf(task("t").spread("instanceId").binpack("memory").build())).isEqualTo("b");
    }

    @Test
    void binpackThenSpreadBreaksBinpackTiesBySpread()
    {
        SchedulerHarness harness = new SchedulerHarness(
                host("a").tasks("family:app", 2).build(),
                host("b").tasks("family:app", 1).build(),
                host("c").tasks("family:app", 3).build());

        assertThat(harness.hostOf(task("t").binpack("memory").spread("instanceId").build())).isEqualTo("b");
    }

    @Test
    void remainingTiesGoToTheFirstHostById()
    {
        SchedulerHarness harness = new SchedulerHarness(host("z").build(), host("m").build(), host("b").build());

        assertThat(harness.hostOf(task("t").binpack("memory").build())).isEqualTo("b");
        assertThat(harness.hostOf(task("t").spread("instanceId").build())).isEqualTo("b");
    }

    @Test
    void capacityTakenEarlierInThePlanCounts()
    {
        SchedulerHarness harness = new SchedulerHarness(host("a").cpu(1024).memory(2048).build());

        PlacementPlan plan = harness.place(task("t").size(512, 1024).times(3));

        assertThat(plan.assignments()).extracting(PlacementPlan.Assignment::taskId).containsExactly("t-1", "t-2");
        assertThat(plan.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.taskId()).isEqualTo("t-3");
            assertThat(failure.reason()).isEqualTo(RejectionReason.RESOURCE_MEMORY);
        });
    }

    @Test
    void aTaskThatFitsNowhereSaysWhatWasShortAndWhy()
    {
        SchedulerHarness harness = new SchedulerHarness(
                host("a").memory(4096).allocated(0, 1096).build(),
                host("b").memory(4096).allocated(0, 2000).build(),
                host("c").state(HostState.CORDONED).memory(65536).build());

        PlacementPlan plan = harness.place(task("big").size(1024, 8192).build());

        assertThat(plan.assignments()).isEmpty();
        PlacementFailure failure = plan.failureFor("big").orElseThrow();
        assertThat(failure.reason()).isEqualTo(RejectionReason.RESOURCE_MEMORY);
        assertThat(failure.message()).isEqualTo("RESOURCE:MEMORY (no host has 8192 MiB free; largest free: 3000 MiB; 3 hosts: 2 RESOURCE:MEMORY, 1 CORDONED)");
        assertThat(failure.hostReasons()).containsExactly(
                entry("a", RejectionReason.RESOURCE_MEMORY),
                entry("b", RejectionReason.RESOURCE_MEMORY),
                entry("c", RejectionReason.CORDONED));
    }

    @Test
    void cpuShortageIsReportedAsResourceCpu()
    {
        SchedulerHarness harness = new SchedulerHarness(host("a").cpu(2048).allocated(1536, 0).build());

        PlacementFailure failure = harness.place(task("t").size(1024, 2048).build()).failureFor("t").orElseThrow();

        assertThat(failure.reasonCode()).isEqualTo("RESOURCE:CPU");
        assertThat(failure.message()).startsWith("RESOURCE:CPU (no host has 1024 cpu units free; largest free: 512 cpu units;");
    }

    @Test
    void cordonedDrainingAndLostHostsReceiveNothing()
    {
        SchedulerHarness harness = new SchedulerHarness(
                host("cordoned").state(HostState.CORDONED).build(),
                host("draining").state(HostState.DRAINING).build(),
                host("lost").state(HostState.LOST).build(),
                host("z-active").allocated(0, 7000).build());

        for (PlacementRequest request : List.of(task("t").binpack("memory").build(), task("t").spread("instanceId").build(), task("t").random().build(), task("t").build())) {
            assertThat(harness.hostOf(request)).isEqualTo("z-active");
        }
    }

    @Test
    void onlyUnavailableHostsGiveTheirStateAsTheReason()
    {
        SchedulerHarness harness = new SchedulerHarness(
                host("a").state(HostState.CORDONED).build(),
                host("b").state(HostState.CORDONED).build(),
                host("c").state(HostState.LOST).build());

        PlacementFailure failure = harness.place(task("t").build()).failureFor("t").orElseThrow();

        assertThat(failure.reason()).isEqualTo(RejectionReason.CORDONED);
        assertThat(failure.message()).isEqualTo("CORDONED (no ACTIVE host can take it; 3 hosts: 2 CORDONED, 1 LOST)");
    }

    @Test
    void noHostsAtAll()
    {
        PlacementFailure failure = new SchedulerHarness().place(task("t").build()).failureFor("t").orElseThrow();

        assertThat(failure.reasonCode()).isEqualTo("NO_HOSTS");
        assertThat(failure.message()).isEqualTo("NO_HOSTS (no host has joined the cluster)");
    }

    @Test
    void distinctInstancePutsEachTaskOfTheGroupOnItsOwnHost()
    {
        SchedulerHarness harness = new SchedulerHarness(host("a").build(), host("b").build(), host("c").tasks("family:app", 1).build());

        PlacementPlan plan = harness.place(task("t").binpack("memory").distinctInstance().times(3));

        assertThat(plan.hostFor("t-1")).contains("a");
        assertThat(plan.hostFor("t-2")).contains("b");
        PlacementFailure failure = plan.failureFor("t-3").orElseThrow();
        assertThat(failure.reason()).isEqualTo(RejectionReason.DISTINCT_INSTANCE);
        assertThat(failure.message()).startsWith("distinctInstance (every host that fits already runs a task of group family:app;");
    }

    @Test
    void distinctInstanceIgnoresOtherGroups()
    {
        SchedulerHarness harness = new SchedulerHarness(host("a").tasks("family:other", 4).build());

        assertThat(harness.hostOf(task("t").distinctInstance().build())).isEqualTo("a");
    }

    @Test
    void memberOfKeepsTasksOnMatchingHosts()
    {
        SchedulerHarness harness = new SchedulerHarness(
                host("a").zone("zone-a").attribute("disk", "hdd").build(),
                host("b").zone("zone-b").attribute("disk", "ssd").build(),
                host("c").zone("zone-c").attribute("disk", "ssd").build());

        assertThat(harness.hostOf(task("t").memberOf("attribute:ecs.availability-zone in [zone-b, zone-c]").memberOf("attribute:disk != ssd or attribute:ecs.availability-zone == zone-c").build()))
                .isEqualTo("c");
        assertThat(harness.hostOf(task("t").memberOf("attribute:disk == hdd").build())).isEqualTo("a");
        assertThat(harness.hostOf(task("t").memberOf("instanceId == b").build())).isEqualTo("b");
    }

    @Test
    void memberOfWithNoMatchExplainsItself()
    {
        SchedulerHarness harness = new SchedulerHarness(host("a").zone("zone-a").build(), host("b").zone("zone-b").allocated(0, 8192).build());

        PlacementFailure failure = harness.place(task("t").memberOf("attribute:ecs.availability-zone == zone-z").build()).failureFor("t").orElseThrow();

        assertThat(failure.reason()).isEqualTo(RejectionReason.MEMBER_OF);
        assertThat(failure.message()).isEqualTo("memberOf (no host matches 'attribute:ecs.availability-zone == zone-z'; 2 hosts: 2 memberOf)");
    }

    @Test
    void constraintsAreCheckedBeforeResources()
    {
        SchedulerHarness harness = new SchedulerHarness(host("a").attribute("gpu", "yes").allocated(0, 8192).build(), host("b").build());

        PlacementFailure failure = harness.place(task("t").memberOf("attribute:gpu exists").build()).failureFor("t").orElseThrow();

        assertThat(failure.hostReasons()).containsExactly(entry("a", RejectionReason.RESOURCE_MEMORY), entry("b", RejectionReason.MEMBER_OF));
    }

    @Test
    void equalCountsOfReasonsNameTheResourceFirst()
    {
        SchedulerHarness harness = new SchedulerHarness(host("a").allocated(0, 8192).build(), host("b").state(HostState.DRAINING).build());

        assertThat(harness.place(task("t").build()).failureFor("t").orElseThrow().reason()).isEqualTo(RejectionReason.RESOURCE_MEMORY);
    }

    @Test
    void randomIsDeterministicForASeedAndUsesSeveralHosts()
    {
        List<SnapshotHost> hosts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hosts.add(host("h" + i).cpu(1 << 20).memory(1 << 24).build());
        }
        List<PlacementRequest> requests = task("t").random().times(50);

        PlacementPlan first = new SchedulerHarness(7, hosts.toArray(SnapshotHost[]::new)).place(requests);
        PlacementPlan again = new SchedulerHarness(7, hosts.toArray(SnapshotHost[]::new)).place(requests);
        PlacementPlan otherSeed = new SchedulerHarness(8, hosts.toArray(SnapshotHost[]::new)).place(requests);

        assertThat(again).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
        assertThat(first.countsByHost()).hasSizeGreaterThan(5);
    }

    @Test
    void randomStillRespectsCapacity()
    {
        SchedulerHarness harness = new SchedulerHarness(host("small").memory(512).build(), host("large").cpu(1 << 20).memory(1 << 20).build());

        PlacementPlan plan = harness.place(task("t").size(256, 1024).random().times(20));

        assertThat(plan.countsByHost()).containsExactly(entry("large", 20L));
    }

    @Test
    void aHostOverItsCapacityTakesNothing()
    {
        SchedulerHarness harness = new SchedulerHarness(host("over").memory(1024).allocated(0, 2048).build(), host("ok").allocated(0, 4096).build());

        assertThat(harness.hostOf(task("t").binpack("memory").build())).isEqualTo("ok");
        assertThat(harness.hostOf(task("t").spread("instanceId").build())).isEqualTo("ok");
    }

    @Test
    void plansAppliedOneAfterAnotherKeepSpreading()
    {
        SchedulerHarness harness = new SchedulerHarness(host("a").zone("a").build(), host("b").zone("b").build(), host("c").zone("c").build());

        for (int i = 0; i < 9; i++) {
            harness.placeAndApply(List.of(task("t" + i).build()));
        }

        assertThat(harness.host("a").tasksByGroup()).isEqualTo(Map.of("family:app", 3));
        assertThat(harness.host("b").tasksByGroup()).isEqualTo(Map.of("family:app", 3));
        assertThat(harness.host("c").tasksByGroup()).isEqualTo(Map.of("family:app", 3));
    }

    @Test
    void hostsWithoutTheSpreadAttributeFormTheirOwnGroup()
    {
        SchedulerHarness harness = new SchedulerHarness(
                host("a").attribute("rack", "r1").tasks("family:app", 1).build(),
                host("b").withoutAttribute("rack").build());

        assertThat(harness.hostOf(task("t").spread("attribute:rack").build())).isEqualTo("b");
    }

    @Test
    void theSameInputsGiveTheSamePlan()
    {
        SnapshotHost[] hosts = {host("a").zone("a").build(), host("b").zone("b").allocated(512, 1024).build(), host("c").zone("a").build()};
        List<PlacementRequest> requests = new ArrayList<>();
        requests.addAll(task("x").size(512, 1024).times(5));
        requests.addAll(task("y").size(1024, 2048).group("family:y").spread("instanceId").times(3));

        assertThat(new SchedulerHarness(hosts).place(requests)).isEqualTo(new SchedulerHarness(hosts).place(requests));
    }

    @Test
    void aSandboxTaskGoesOnlyToAHostThatOffersTheSandboxEvenWhenAnotherFitsBetter()
    {
        SchedulerHarness harness = new SchedulerHarness(
                host("runc-only").allocated(0, 7000).build(),
                host("with-runsc").offers(IsolationTier.CONTAINER, IsolationTier.SANDBOX).build());

        assertThat(harness.hostOf(task("sandboxed").isolation(IsolationTier.SANDBOX).binpack("memory").build())).isEqualTo("with-runsc");
        assertThat(harness.hostOf(task("sandboxed").isolation(IsolationTier.SANDBOX).spread("instanceId").build())).isEqualTo("with-runsc");
        // a container task still binpacks onto the fuller host
        assertThat(harness.hostOf(task("plain").binpack("memory").build())).isEqualTo("runc-only");
    }

    @Test
    void aSandboxTaskWithNoHostOfferingTheSandboxSaysSo()
    {
        SchedulerHarness harness = new SchedulerHarness(
                host("a").build(),
                host("b").build(),
                host("c").state(HostState.CORDONED).offers(IsolationTier.CONTAINER, IsolationTier.SANDBOX).build());

        PlacementFailure failure = harness.place(task("sandboxed").isolation(IsolationTier.SANDBOX).build()).failureFor("sandboxed").orElseThrow();

        assertThat(failure.reason()).isEqualTo(RejectionReason.ISOLATION);
        assertThat(failure.message()).isEqualTo("ISOLATION (no host offers isolation sandbox; 3 hosts: 2 ISOLATION, 1 CORDONED)");
        assertThat(failure.hostReasons()).containsExactly(
                entry("a", RejectionReason.ISOLATION),
                entry("b", RejectionReason.ISOLATION),
                entry("c", RejectionReason.CORDONED));
    }

    @Test
    void theHostsTierIsCheckedBeforeItsCapacity()
    {
        SchedulerHarness harness = new SchedulerHarness(host("full").allocated(4096, 8192).build());

        PlacementFailure failure = harness.place(task("sandboxed").isolation(IsolationTier.SANDBOX).build()).failureFor("sandboxed").orElseThrow();

        assertThat(failure.hostReasons()).containsExactly(entry("full", RejectionReason.ISOLATION));
    }
}
