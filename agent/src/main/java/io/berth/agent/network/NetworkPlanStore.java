package io.berth.agent.network;

import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The last network plan this host applied, kept so that a restarted agent puts the same network back before
 * it has reached the control plane: its running tasks are never cut off. Written whole, then renamed.
 */
final class NetworkPlanStore
{
    private final Path file;

    NetworkPlanStore(Path stateDirectory)
    {
        this.file = requireNonNull(stateDirectory, "stateDirectory is null").resolve("plan.json");
    }

    Optional<NetworkPlan> load()
            throws NetworkException
    {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readValue(file.toFile(), NetworkPlan.class));
        }
        catch (IOException e) {
            throw new NetworkException("cannot read the stored network plan " + file + ": " + e.getMessage(), e);
        }
    }

    void save(NetworkPlan plan)
            throws NetworkException
    {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.write(temporary, Json.mapper().writeValueAsBytes(plan));
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (IOException e) {
            throw new NetworkException("cannot store the network plan in " + file + ": " + e.getMessage(), e);
        }
    }
}
