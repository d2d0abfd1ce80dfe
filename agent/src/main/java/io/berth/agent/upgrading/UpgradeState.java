package io.berth.agent.upgrading;

import io.berth.common.json.Json;
import io.berth.common.patching.PatchCommandStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What an upgrade leaves for the next agent process on the same data directory (DIR/upgrade): pending.json while a new
 * build is on trial (written by the old agent just before it execs the new one), and outcome.json, how the last upgrade
 * ended (SUCCEEDED once the new agent synced, FAILED when it was rolled back), which the agent that runs afterwards
 * answers when the control plane asks about that patch. Each file is written whole (a temporary file renamed).
 */
public final class UpgradeState
{
    private static final Logger log = LoggerFactory.getLogger(UpgradeState.class);
    private static final String PENDING = "pending.json";
    private static final String OUTCOME = "outcome.json";

    private final Path directory;

    public UpgradeState(Path directory)
    {
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** How an upgrade ended: SUCCEEDED or FAILED, with what the operator reads (`berth host patch --status`). */
    public record Outcome(String patchId, PatchCommandStatus.State state, String output)
    {
        public Outcome
        {
            requireNonNull(patchId, "patchId is null");
            requireNonNull(state, "state is null");
            output = output == null ? "" : output;
        }

        /** As this agent process answers it. */
        public PatchCommandStatus status(String agentInstance)
        {
            return new PatchCommandStatus(patchId, state, state == PatchCommandStatus.State.SUCCEEDED ? Integer.valueOf(0) : null, output, agentInstance);
        }
    }

    public Optional<PendingUpgrade> pending()
    {
        return read(PENDING, PendingUpgrade.class);
    }

    public Optional<Outcome> outcome()
    {
        return read(OUTCOME, Outcome.class);
    }

    public void begin(PendingUpgrade pending)
            throws IOException
    {
        write(PENDING, pending);
    }

    /** The upgrade ended (either way): the outcome is kept, the trial is over. */
    public void end(Outcome outcome)
            throws IOException
    {
        write(OUTCOME, outcome);
        Files.deleteIfExists(directory.resolve(PENDING));
    }

    private <T> Optional<T> read(String name, Class<T> type)
    {
        Path file = directory.resolve(name);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readValue(file.toFile(), type));
        }
        catch (IOException e) {
            log.warn("ignoring {}, which cannot be read: {}", file, e.toString());
            return Optional.empty();
        }
    }

    private void write(String name, Object value)
            throws IOException
    {
        Files.createDirectories(directory);
        Path temporary = directory.resolve(name + ".tmp");
        Files.write(temporary, Json.mapper().writeValueAsBytes(value));
        Files.move(temporary, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
