package io.berth.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * One file per task that holds a network on this host, written before anything is made for the task and
 * removed only after everything is released: a crash at any step leaves a file that the next tearDown (or
 * the agent's orphan cleanup) finishes from.
 */
final class TaskNetworkStates
{
    private static final Logger log = LoggerFactory.getLogger(TaskNetworkStates.class);

    private final Path directory;

    TaskNetworkStates(Path directory)
    {
        this.directory = requireNonNull(directory, "directory is null");
    }

    List<String> taskIds()
    {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".json"))
                    .map(name -> name.substring(0, name.length() - ".json".length()))
                    .sorted()
                    .toList();
        }
        catch (IOException e) {
            log.warn("cannot list task networks in {}: {}", directory, e.getMessage());
            return List.of();
        }
    }

    /** The task's state; a file cut short by a crash reads as a state with only the namespace name, which is known anyway. */
    Optional<TaskNetworkState> read(String taskId, String namespace)
    {
        Path file = file(taskId);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readValue(file.toFile(), TaskNetworkState.class));
        }
        catch (IOException e) {
            log.warn("task {}: unreadable network state, tearing down by name: {}", taskId, e.getMessage());
            return Optional.of(new TaskNetworkState(taskId, namespace, null, null, null));
        }
    }

    void write(TaskNetworkState state)
            throws NetworkException
    {
        Path file = file(state.taskId());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(directory);
            Files.write(temporary, Json.mapper().writeValueAsBytes(state));
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (IOException e) {
            throw new NetworkException("cannot record the network state of task " + state.taskId() + ": " + e.getMessage(), e);
        }
    }

    void delete(String taskId)
            throws NetworkException
    {
        try {
            Files.deleteIfExists(file(taskId));
        }
        catch (IOException e) {
            throw new NetworkException("cannot remove the network state of task " + taskId + ": " + e.getMessage(), e);
        }
    }

    private Path file(String taskId)
    {
        return directory.resolve(taskId + ".json");
    }

    /**
     * What is kept per task: the namespace's name, the account that owns the task, the slice its address came
     * from (the plugins' DEL needs the same IPAM configuration), the bridge plugin's ADD result once it
     * succeeded (it names the task's address, its MAC and the host-side interface), and the container id the
     * plugins made it under (null: the task's id; a namespace made warm, ahead of its task, has its own).
     */
    record TaskNetworkState(String taskId, String namespace, String accountId, String subnet, JsonNode addResult, String pluginContainerId)
    {
        TaskNetworkState
        {
            requireNonNull(taskId, "taskId is null");
            requireNonNull(namespace, "namespace is null");
        }

        TaskNetworkState(String taskId, String namespace, String accountId, String subnet, JsonNode addResult)
        {
            this(taskId, namespace, accountId, subnet, addResult, null);
        }

        TaskNetworkState withAddResult(JsonNode result)
        {
            return new TaskNetworkState(taskId, namespace, accountId, subnet, result, pluginContainerId);
        }

        /** The id the CNI plugins know the address by: their DEL must name the one their ADD was given. */
        String cniContainerId()
        {
            return pluginContainerId == null ? taskId : pluginContainerId;
        }
    }
}
