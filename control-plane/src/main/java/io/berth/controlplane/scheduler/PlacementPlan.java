package io.berth.controlplane.scheduler;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** What the engine decided: a host for each placed task (in request order) and a failure for each other task. */
public record PlacementPlan(List<Assignment> assignments, List<PlacementFailure> failures)
{
    public record Assignment(String taskId, String hostId)
    {
        public Assignment
        {
            requireNonNull(taskId, "taskId is null");
            requireNonNull(hostId, "hostId is null");
        }
    }

    public PlacementPlan
    {
        assignments = List.copyOf(assignments);
        failures = List.copyOf(failures);
    }

    public Optional<String> hostFor(String taskId)
    {
        return assignments.stream().filter(assignment -> assignment.taskId().equals(taskId)).map(Assignment::hostId).findFirst();
    }

    public Optional<PlacementFailure> failureFor(String taskId)
    {
        return failures.stream().filter(failure -> failure.taskId().equals(taskId)).findFirst();
    }

    /** Tasks per host id, for tests and the benchmark. */
    public Map<String, Long> countsByHost()
    {
        return assignments.stream().collect(java.util.stream.Collectors.groupingBy(Assignment::hostId, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }
}
