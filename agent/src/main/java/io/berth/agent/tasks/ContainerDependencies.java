package io.berth.agent.tasks;

import io.berth.common.agentprotocol.ContainerDependency;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.HealthStatus;
import io.berth.common.agentprotocol.TaskReport.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The order of a task's containers, from their dependsOn: which may start now, which never can (a
 * dependency that failed its condition), and which may be asked to stop (dependents stop before what they
 * depend on). Pure functions of the containers' recorded states.
 */
final class ContainerDependencies
{
    private ContainerDependencies() {}

    record Blocked(String container, String reason)
    {
        Blocked
        {
            requireNonNull(container, "container is null");
            requireNonNull(reason, "reason is null");
        }
    }

    record StartDecision(List<String> ready, List<Blocked> blocked)
    {
        StartDecision
        {
            ready = List.copyOf(ready);
            blocked = List.copyOf(blocked);
        }
    }

    private enum Outcome { MET, WAIT, NEVER }

    /** Looks at every container that has not started yet, in the task definition's order. */
    static StartDecision decide(List<ContainerSpec> specs, List<ContainerRecord> containers)
    {
        Map<String, ContainerRecord> byName = containers.stream().collect(Collectors.toMap(ContainerRecord::name, Function.identity()));
        List<String> ready = new ArrayList<>();
        List<Blocked> blocked = new ArrayList<>();
        for (ContainerSpec spec : specs) {
            ContainerRecord container = byName.get(spec.name());
            if (container == null || container.status() != Status.PENDING) {
                continue;
            }
            boolean waiting = false;
            String never = null;
            for (ContainerDependency dependency : spec.dependsOn()) {
                ContainerRecord target = byName.get(dependency.containerName());
                Outcome outcome = target == null ? Outcome.NEVER : outcome(dependency.condition(), target);
                if (outcome == Outcome.NEVER) {
                    never = reason(spec.name(), dependency, target);
                    break;
                }
                waiting |= outcome == Outcome.WAIT;
            }
            if (never != null) {
                blocked.add(new Blocked(spec.name(), never));
            }
            else if (!waiting) {
                ready.add(spec.name());
            }
        }
        return new StartDecision(ready, blocked);
    }

    /** Running containers that no running container depends on: they may be asked to stop now. */
    static List<String> stoppable(List<ContainerSpec> specs, List<ContainerRecord> containers)
    {
        Map<String, ContainerRecord> byName = containers.stream().collect(Collectors.toMap(ContainerRecord::name, Function.identity()));
        List<String> stoppable = new ArrayList<>();
        for (ContainerSpec spec : specs) {
            ContainerRecord container = byName.get(spec.name());
            if (container == null || container.status() != Status.RUNNING) {
                continue;
            }
            boolean dependentRuns = specs.stream()
                    .filter(other -> other.dependsOn().stream().anyMatch(dependency -> dependency.containerName().equals(spec.name())))
                    .map(other -> byName.get(other.name()))
                    .anyMatch(dependent -> dependent != null && dependent.status() == Status.RUNNING);
            if (!dependentRuns) {
                stoppable.add(spec.name());
            }
        }
        return stoppable;
    }

    private static Outcome outcome(ContainerDependency.Condition condition, ContainerRecord target)
    {
        boolean exited = target.status() == Status.STOPPED && target.exitCode() != null;
        boolean gone = target.status() == Status.STOPPED && target.exitCode() == null;
        return switch (condition) {
            case START -> target.status() == Status.RUNNING || exited ? Outcome.MET : gone ? Outcome.NEVER : Outcome.WAIT;
            case COMPLETE -> exited ? Outcome.MET : gone ? Outcome.NEVER : Outcome.WAIT;
            case SUCCESS -> exited ? (target.exitCode() == 0 ? Outcome.MET : Outcome.NEVER) : gone ? Outcome.NEVER : Outcome.WAIT;
            case HEALTHY -> target.status() == Status.STOPPED || target.health() == HealthStatus.UNHEALTHY ? Outcome.NEVER
                    : target.status() == Status.RUNNING && target.health() == HealthStatus.HEALTHY ? Outcome.MET : Outcome.WAIT;
        };
    }

    private static String reason(String dependent, ContainerDependency dependency, ContainerRecord target)
    {
        String name = dependency.containerName();
        if (target == null) {
            return "Container '" + dependent + "' depends on container '" + name + "', which is not in the task";
        }
        if (dependency.condition() == ContainerDependency.Condition.HEALTHY && target.health() == HealthStatus.UNHEALTHY) {
            return "Container '" + name + "' is UNHEALTHY, so dependent container '" + dependent + "' cannot start";
        }
        if (target.exitCode() != null) {
            return "Container '" + name + "' exited with " + target.exitCode() + ", so dependent container '" + dependent + "' cannot start";
        }
        return "Container '" + name + "' did not run, so dependent container '" + dependent + "' cannot start";
    }
}
