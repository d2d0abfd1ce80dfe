package io.berth.agent.link;

import io.berth.common.hostauth.AgentCallKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The control plane's agent-call key this agent trusts (DIR/control-plane-key): the agent endpoint takes calls signed by
 * it alone. Pinned at the join, and replaced by the one each sync answer carries (the sync goes to the control plane the
 * agent verified by its pinned CA), so a control plane that changes its key is followed. Before either, there is none and
 * every call is refused.
 */
public final class ControlPlaneKeys
{
    public static final String FILE_NAME = "control-plane-key";
    private static final Logger log = LoggerFactory.getLogger(ControlPlaneKeys.class);

    private final Path file;
    private volatile List<PublicKey> keys;
    private volatile String text;

    private ControlPlaneKeys(Path file, String text)
    {
        this.file = requireNonNull(file, "file is null");
        this.text = text;
        this.keys = text == null ? List.of() : List.of(AgentCallKeys.decode(text));
    }

    /** The key kept in agentDirectory, if any; IOException when the file is damaged. */
    public static ControlPlaneKeys load(Path agentDirectory)
            throws IOException
    {
        Path file = agentDirectory.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return new ControlPlaneKeys(file, null);
        }
        String text = Files.readString(file).strip();
        try {
            return new ControlPlaneKeys(file, text);
        }
        catch (IllegalArgumentException e) {
            throw new IOException(file + " is damaged (" + e.getMessage() + "): remove it; the next sync hands the control plane's key again", e);
        }
    }

    /** Keeps key (as the control plane wrote it) in agentDirectory: at the join. */
    static void save(Path agentDirectory, String key)
            throws IOException
    {
        load(agentDirectory).update(key);
    }

    /** The keys calls must be signed by, now. */
    public List<PublicKey> current()
    {
        return keys;
    }

    /** Trusts key from now on (and after a restart) when it is another than the one trusted; a damaged key is ignored. */
    public synchronized void update(String key)
            throws IOException
    {
        if (key == null || key.strip().equals(text)) {
            return;
        }
        PublicKey decoded;
        try {
            decoded = AgentCallKeys.decode(key);
        }
        catch (IllegalArgumentException e) {
            log.warn("the control plane handed a damaged agent-call key; the agent keeps the one it has: {}", e.getMessage());
            return;
        }
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
        Files.writeString(temporary, key.strip() + "\n");
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.info("{} the control plane's agent-call key", text == null ? "pinned" : "now trusting a new");
        text = key.strip();
        keys = List.of(decoded);
    }
}
