package io.berth.agent.tasks;

import io.berth.agent.network.NetworkException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One pass over everything a task has on this host: each container and its root filesystem, then the task's storage
 * and network side by side. Every step is tried even when an earlier one failed. Idempotent, so it repairs a
 * cleanup cut short by a crash and may run on a task that never got that far; both a task's own runner and an agent
 * leaving its host use it.
 */
final class TaskCleanup
{
    private TaskCleanup() {}

    /** What could not be removed, each with why; empty when nothing of the task is left. */
    static List<String> once(HostServices host, TaskRecord record)
    {
        List<String> failures = new ArrayList<>();
        for (ContainerRecord container : record.containers()) {
            try {
                host.runtime().delete(container.containerId());
            }
            catch (RuntimeException e) {
                failures.add("container " + container.name() + " (" + e.getMessage() + ")");
            }
            try {
                host.snapshotter().remove(container.containerId());
            }
            catch (IOException | RuntimeException e) {
                failures.add("the root filesystem of container " + container.name() + " (" + e.getMessage() + ")");
            }
        }
        // the storage is released beside the network's tear-down, as it was made beside its set-up
        CompletableFuture<String> storageFailure = new CompletableFuture<>();
        if (failures.isEmpty()) {
            Thread.ofVirtual().name("storage-" + record.taskId()).start(() -> storageFailure.complete(removeStorage(host, record.taskId())));
        }
        else {
            // a container or its root filesystem may still write to it: it goes once they are gone
            storageFailure.complete("the task's ephemeral storage (kept until its containers and root filesystems are removed)");
        }
        try {
            host.network().tearDown(record.taskId());
        }
        catch (NetworkException | RuntimeException e) {
            failures.add("the task's network (" + e.getMessage() + ")");
        }
        String storage = storageFailure.join();
        if (storage != null) {
            failures.add(storage);
        }
        return failures;
    }

    /** Null when the task's storage is gone, else what could not be removed. */
    private static String removeStorage(HostServices host, String taskId)
    {
        try {
            host.storage().remove(taskId);
            return null;
        }
        catch (Exception | Error e) {
            return "the task's ephemeral storage (" + e.getMessage() + ")";
        }
    }
}
