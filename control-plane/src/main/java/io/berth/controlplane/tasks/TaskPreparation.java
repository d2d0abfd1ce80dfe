package io.berth.controlplane.tasks;

import io.berth.controlplane.store.StoreTransaction;

import java.util.Optional;

/**
 * What another part of the control plane readies for a new task, in the transaction that creates it, before the
 * task is placed (the awslogs driver's log group and streams). A reason means the task cannot start: it is
 * STOPPED at once with stopCode TaskFailedToStart and that reason, as ECS stops a task whose resources fail to
 * initialize.
 */
@FunctionalInterface
public interface TaskPreparation
{
    TaskPreparation NONE = (transaction, task) -> Optional.empty();

    Optional<String> prepare(StoreTransaction transaction, Task task);
}
