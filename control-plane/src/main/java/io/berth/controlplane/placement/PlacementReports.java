package io.berth.controlplane.placement;

import io.berth.controlplane.store.Store;
import io.berth.controlplane.tasks.Task;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** For the operator: where a task of any account went, or why it is still waiting. */
public final class PlacementReports
{
    /** The task and its latest failed placement attempt (empty once placed, or before the first attempt). */
    public record Report(Task task, Optional<PlacementAttempt> latestFailure)
    {
        public Report
        {
            requireNonNull(task, "task is null");
            requireNonNull(latestFailure, "latestFailure is null");
        }
    }

    private final Store store;

    public PlacementReports(Store store)
    {
        this.store = requireNonNull(store, "store is null");
    }

    public Optional<Report> find(String taskId)
    {
        return store.inTransaction(transaction -> transaction.tasks().find(taskId)
                .map(task -> new Report(task, transaction.placementAttempts().find(taskId))));
    }
}
