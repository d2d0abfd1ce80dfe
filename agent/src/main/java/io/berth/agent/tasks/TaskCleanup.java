package io.berth.agent.tasks;

import io.berth.agent.network.NetworkException;
import io.berth.common.agentprotocol.TaskReport.Status;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One pass over everything a task has on this host: each container and its root filesystem, then the task's storage;
 * the network beside them all. Every step is tried even when an earlier one failed. Idempotent, so it repairs a
 * cleanup cut short by a crash and may run on a task that never got that far; both a task's own runner and an agent
 * leaving its host use it.
 */
final class TaskCleanup
{
    private TaskCleanup() {}

    /**
     * What could not be removed, each with why; empty when nothing of the task is left. The network goes beside the
     * containers, their root filesystems and then the storage: it depends on none of them (the containers' processes
     * have exited or been killed, and a namespace lasts while a process is still in it). A container whose exit (and
     * exit code) is recorded is deleted from the runtime beside the removal of its root filesystem and of the storage: its first
     * process is gone, and with it every process of its PID namespace, so nothing of it uses them, and the runtime's
     * delete (its cgroups and state) is the slowest step of a stop. A container not known to have exited is deleted
     * (killed) first.
     */
    static List<String> once(HostServices host, TaskRecord record)
    {
        CompletableFuture<String> networkFailure = SideStep.start("network-" + record.taskId(), () -> tearDownNetwork(host, record.taskId()));
        List<CompletableFuture<String>> exitedDeletes = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (ContainerRecord container : record.containers()) {
            if (container.status() == Status.STOPPED && container.exitCode() != null) {
                exitedDeletes.add(SideStep.start("delete-" + container.containerId(), () -> deleteContainer(host, container)));
            }
            else {
                String deleteFailure = deleteContainer(host, container);
                if (deleteFailure != null) {
                    failures.add(deleteFailure);
                }
            }
            try {
                host.snapshotter().remove(container.containerId());
            }
            catch (IOException | RuntimeException e) {
                failures.add("the root filesystem of container " + container.name() + " (" + e.getMessage() + ")");
            }
        }
        if (failures.isEmpty()) {
            String storage = removeStorage(host, record.taskId());
            if (storage != null) {
                failures.add(storage);
            }
        }
        else {
            // a container or its root filesystem may still write to it: it goes once they are gone
            failures.add("the task's ephemeral storage (kept until its containers and root filesystems are removed)");
        }
        for (CompletableFuture<String> delete : exitedDeletes) {
            String deleteFailure = delete.join();
            if (deleteFailure != null) {
                failures.add(deleteFailure);
            }
        }
        String network = networkFailure.join();
        if (network != null) {
            failures.add(network);
        }
        return failures;
    }

    /** Null when the runtime holds nothing more of the container, else what could not be removed. */
    private static String deleteContainer(HostServices host, ContainerRecord container)
    {
        try {
            host.runtime().delete(container.containerId());
            return null;
        }
        catch (RuntimeException e) {
            return "container " + container.name() + " (" + e.getMessage() + ")";
        }
    }

    /** Null when the task's network is released, else what could not be removed. */
    private static String tearDownNetwork(HostServices host, String taskId)
    {
        try {
            host.network().tearDown(taskId);
            return null;
        }
        catch (NetworkException | RuntimeException e) {
            return "the task's network (" + e.getMessage() + ")";
        }
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
