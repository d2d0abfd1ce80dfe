package io.berth.agent.tasks;

import io.berth.common.agentprotocol.ContainerDependency;
import io.berth.common.agentprotocol.ContainerDependency.Condition;
import io.berth.common.agentprotocol.ContainerLinuxOptions;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.HealthStatus;
import io.berth.common.agentprotocol.TaskReport.Status;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerDependenciesTest
{
    private static ContainerSpec spec(String name, ContainerDependency... dependencies)
    {
        return new ContainerSpec(name, "image", null, null, Map.of(), null, null, true, null, null, null, List.of(dependencies), ContainerLinuxOptions.DEFAULT);
    }

    private static ContainerDependency on(String name, Condition condition)
    {
        return new ContainerDependency(name, condition);
    }

    private static ContainerRecord pending(String name)
    {
        return new ContainerRecord(name, "task-" + name, Status.PENDING, null, null, null);
    }

    private static ContainerRecord running(String name)
    {
        return pending(name).running();
    }

    private static ContainerRecord exited(String name, int exitCode)
    {
        return running(name).stopped(exitCode, null);
    }

    private static ContainerRecord neverRan(String name)
    {
        return pending(name).stopped(null, "CannotStartContainerError: boom");
    }

    @Test
    void containersWithoutDependenciesAreReadyAtOnce()
    {
        var decision = ContainerDependencies.decide(List.of(spec("a"), spec("b")), List.of(pending("a"), pending("b")));

        assertThat(decision.ready()).containsExactly("a", "b");
        assertThat(decision.blocked()).isEmpty();
    }

    @Test
    void eachConditionWaitsForItsState()
    {
        List<ContainerSpec> specs = List.of(spec("dep"), spec("onStart", on("dep", Condition.START)), spec("onComplete", on("dep", Condition.COMPLETE)),
                spec("onSuccess", on("dep", Condition.SUCCESS)));
        List<ContainerRecord> waiting = List.of(pending("dep"), pending("onStart"), pending("onComplete"), pending("onSuccess"));
        assertThat(ContainerDependencies.decide(specs, waiting).ready()).containsExactly("dep");

        List<ContainerRecord> started = List.of(running("dep"), pending("onStart"), pending("onComplete"), pending("onSuccess"));
        assertThat(ContainerDependencies.decide(specs, started).ready()).containsExactly("onStart");

        List<ContainerRecord> succeeded = List.of(exited("dep", 0), pending("onStart"), pending("onComplete"), pending("onSuccess"));
        assertThat(ContainerDependencies.decide(specs, succeeded).ready()).containsExactly("onStart", "onComplete", "onSuccess");
    }

    @Test
    void failedDependencyBlocksSuccessButNotComplete()
    {
        List<ContainerSpec> specs = List.of(spec("init"), spec("app", on("init", Condition.SUCCESS)), spec("report", on("init", Condition.COMPLETE)));

        var decision = ContainerDependencies.decide(specs, List.of(exited("init", 2), pending("app"), pending("report")));

        assertThat(decision.ready()).containsExactly("report");
        assertThat(decision.blocked()).containsExactly(new ContainerDependencies.Blocked("app", "Container 'init' exited with 2, so dependent container 'app' cannot start"));
    }

    @Test
    void dependencyThatNeverRanBlocksEveryCondition()
    {
        List<ContainerSpec> specs = List.of(spec("db"), spec("app", on("db", Condition.START)));

        var decision = ContainerDependencies.decide(specs, List.of(neverRan("db"), pending("app")));

        assertThat(decision.ready()).isEmpty();
        assertThat(decision.blocked()).extracting(ContainerDependencies.Blocked::reason).containsExactly("Container 'db' did not run, so dependent container 'app' cannot start");
    }

    @Test
    void healthyWaitsForAPassedCheck()
    {
        List<ContainerSpec> specs = List.of(spec("db"), spec("app", on("db", Condition.HEALTHY)));

        assertThat(ContainerDependencies.decide(specs, List.of(running("db"), pending("app"))).ready()).isEmpty();
        assertThat(ContainerDependencies.decide(specs, List.of(running("db").withHealthStatus(HealthStatus.UNKNOWN), pending("app"))).ready()).isEmpty();
        assertThat(ContainerDependencies.decide(specs, List.of(running("db").withHealthStatus(HealthStatus.HEALTHY), pending("app"))).ready()).containsExactly("app");
    }

    @Test
    void healthyIsNeverMetOnceTheDependencyIsUnhealthyOrGone()
    {
        List<ContainerSpec> specs = List.of(spec("db"), spec("app", on("db", Condition.HEALTHY)));

        assertThat(ContainerDependencies.decide(specs, List.of(running("db").withHealthStatus(HealthStatus.UNHEALTHY), pending("app"))).blocked())
                .extracting(ContainerDependencies.Blocked::reason)
                .containsExactly("Container 'db' is UNHEALTHY, so dependent container 'app' cannot start");
        assertThat(ContainerDependencies.decide(specs, List.of(exited("db", 0), pending("app"))).blocked())
                .extracting(ContainerDependencies.Blocked::reason)
                .containsExactly("Container 'db' exited with 0, so dependent container 'app' cannot start");
    }

    @Test
    void dependentsStopBeforeTheirDependencies()
    {
        List<ContainerSpec> specs = List.of(spec("db"), spec("cache"), spec("app", on("db", Condition.START), on("cache", Condition.START)));

        assertThat(ContainerDependencies.stoppable(specs, List.of(running("db"), running("cache"), running("app")))).containsExactly("app");
        assertThat(ContainerDependencies.stoppable(specs, List.of(running("db"), running("cache"), exited("app", 143)))).containsExactly("db", "cache");
    }
}
