package io.berth.agent.link;

import io.berth.common.hostauth.AgentCallKeys;
import io.berth.common.hostauth.PreviousAgentCallKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

import static java.util.Objects.requireNonNull;

/**
 * The control plane's agent-call keys this agent trusts: the agent endpoint takes calls signed by them alone. The
 * current one (DIR/control-plane-key) is pinned at the join and replaced by the one each sync answer carries (the sync
 * goes to the control plane the agent verified by its pinned CA), so a control plane that rotates its key is followed.
 * For a grace after a rotation, the sync answer names the key rotated away from and until when
 * (DIR/control-plane-key.previous, {@link PreviousAgentCallKey}): calls signed by it are taken until then by this
 * agent's clock, even when no sync comes to say the grace is over. Before the join there is none and every call is
 * refused.
 */
public final class ControlPlaneKeys
{
    public static final String FILE_NAME = "control-plane-key";
    /** Its own file rather than a second line of the first: an older agent build reading the directory is not thrown off. */
    public static final String PREVIOUS_FILE_NAME = "control-plane-key.previous";
    private static final Logger log = LoggerFactory.getLogger(ControlPlaneKeys.class);

    private final Path file;
    private final Path previousFile;
    private final Clock clock;
    private volatile PublicKey key;
    private volatile String text;
    private volatile PreviousAgentCallKey previous;
    private volatile PublicKey previousKey;

    private ControlPlaneKeys(Path directory, String text, PreviousAgentCallKey previous, Clock clock)
    {
        this.file = directory.resolve(FILE_NAME);
        this.previousFile = directory.resolve(PREVIOUS_FILE_NAME);
        this.clock = requireNonNull(clock, "clock is null");
        this.text = text;
        this.key = text == null ? null : AgentCallKeys.decode(text);
        this.previous = previous;
        this.previousKey = previous == null ? null : AgentCallKeys.decode(previous.key());
    }

    /** The keys kept in agentDirectory, if any, by the system clock. */
    public static ControlPlaneKeys load(Path agentDirectory)
            throws IOException
    {
        return load(agentDirectory, Clock.systemUTC());
    }

    /** The keys kept in agentDirectory, if any; IOException when a file is damaged. */
    public static ControlPlaneKeys load(Path agentDirectory, Clock clock)
            throws IOException
    {
        Path file = agentDirectory.resolve(FILE_NAME);
        String text = Files.exists(file) ? Files.readString(file).strip() : null;
        try {
            if (text != null) {
                AgentCallKeys.decode(text);
            }
        }
        catch (IllegalArgumentException e) {
            throw damaged(file, e);
        }
        Path previousFile = agentDirectory.resolve(PREVIOUS_FILE_NAME);
        PreviousAgentCallKey previous;
        try {
            previous = Files.exists(previousFile) ? PreviousAgentCallKey.parse(Files.readString(previousFile).strip()) : null;
        }
        catch (IllegalArgumentException e) {
            throw damaged(previousFile, e);
        }
        return new ControlPlaneKeys(agentDirectory, text, previous, clock);
    }

    private static IOException damaged(Path file, IllegalArgumentException e)
    {
        return new IOException(file + " is damaged (" + e.getMessage() + "): remove it; the next sync hands the control plane's key again", e);
    }

    /** Keeps key (as the control plane wrote it) in agentDirectory: at the join. */
    static void save(Path agentDirectory, String key)
            throws IOException
    {
        load(agentDirectory).update(key, null);
    }

    /** The keys calls must be signed by, now: the current one, and the one it replaced while its grace lasts. */
    public List<PublicKey> current()
    {
        PublicKey current = key;
        PreviousAgentCallKey before = previous;
        PublicKey beforeKey = previousKey;
        if (current == null) {
            return List.of();
        }
        if (before == null || !before.validAt(clock.instant()) || beforeKey.equals(current)) {
            return List.of(current);
        }
        return List.of(current, beforeKey);
    }

    /**
     * Trusts key from now on (and after a restart) when it is another than the one trusted, and previousHeader (the
     * value of {@value AgentCallKeys#PREVIOUS_SYNC_HEADER}, null when the answer had none) until its end. A damaged key
     * is ignored; an answer without a previous key ends the grace of the one kept.
     */
    public synchronized void update(String key, String previousHeader)
            throws IOException
    {
        if (key == null) {
            return;
        }
        PreviousAgentCallKey nextPrevious = null;
        if (previousHeader != null) {
            try {
                nextPrevious = PreviousAgentCallKey.parse(previousHeader);
            }
            catch (IllegalArgumentException e) {
                log.warn("the control plane handed a damaged previous agent-call key; the agent takes the current one only: {}", e.getMessage());
            }
        }
        if (!key.strip().equals(text)) {
            PublicKey decoded;
            try {
                decoded = AgentCallKeys.decode(key);
            }
            catch (IllegalArgumentException e) {
                log.warn("the control plane handed a damaged agent-call key; the agent keeps the one it has: {}", e.getMessage());
                return;
            }
            // the previous key first: between the two writes the agent takes both
            keepPrevious(nextPrevious);
            write(file, key.strip());
            log.info("{} the control plane's agent-call key{}", text == null ? "pinned" : "now trusting a new",
                    nextPrevious == null ? "" : ", and the one it replaced until " + nextPrevious.validUntil());
            text = key.strip();
            this.key = decoded;
        }
        else {
            keepPrevious(nextPrevious);
        }
    }

    private void keepPrevious(PreviousAgentCallKey next)
            throws IOException
    {
        if (Objects.equals(next, previous)) {
            return;
        }
        if (next == null) {
            Files.deleteIfExists(previousFile);
        }
        else {
            write(previousFile, next.headerValue());
        }
        previousKey = next == null ? null : AgentCallKeys.decode(next.key());
        previous = next;
    }

    private static void write(Path target, String content)
            throws IOException
    {
        Files.createDirectories(target.getParent());
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(temporary, content + "\n");
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
