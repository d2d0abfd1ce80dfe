package io.berth.controlplane.agents;

import io.berth.common.agentprotocol.TaskSecrets;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tasks.Task;

/**
 * Resolves a task's secrets when its host is handed the task (see
 * {@link io.berth.controlplane.secrets.TaskSecretResolver}); throws
 * {@link io.berth.controlplane.secrets.SecretsUnavailableException} when the task cannot have them.
 */
@FunctionalInterface
public interface TaskSecretsSource
{
    TaskSecretsSource NONE = (transaction, task) -> null;

    /** The task's secrets; null when it has none. */
    TaskSecrets secretsFor(StoreTransaction transaction, Task task);
}
