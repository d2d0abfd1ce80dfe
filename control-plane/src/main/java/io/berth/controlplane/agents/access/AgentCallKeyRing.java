package io.berth.controlplane.agents.access;

import io.berth.common.hostauth.PreviousAgentCallKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The control plane's agent-call keys as DIR/tls holds them: the key it signs with ({@value AgentCallSigningKey#FILE_NAME})
 * and, for a grace after `berth host rotate-call-key`, the public part of the key it replaced
 * ({@value #PREVIOUS_FILE_NAME}, the text of {@link PreviousAgentCallKey#headerValue()}), which agents keep taking calls
 * signed by until then. Both live in the data directory, never in the store, so that whoever writes the store cannot
 * hand agents a key; replicas sharing DIR/tls read them again each second ({@link ControlPlaneIdentity#followKeyDirectory()}).
 *
 * @param previous null when no rotation is in its grace (or ever was)
 */
public record AgentCallKeyRing(AgentCallSigningKey current, PreviousAgentCallKey previous)
{
    public static final String PREVIOUS_FILE_NAME = "agent-call.previous";

    public AgentCallKeyRing
    {
        requireNonNull(current, "current is null");
    }

    /** The keys in directory; the signing key is made the first time. IOException when a file is damaged. */
    public static AgentCallKeyRing loadOrCreate(Path directory)
            throws IOException
    {
        AgentCallSigningKey current = AgentCallSigningKey.loadOrCreate(directory.resolve(AgentCallSigningKey.FILE_NAME));
        return new AgentCallKeyRing(current, readPrevious(directory));
    }

    /** The keys in directory as they are now, without making any. IOException when one is missing or damaged. */
    public static AgentCallKeyRing load(Path directory)
            throws IOException
    {
        return new AgentCallKeyRing(AgentCallSigningKey.read(directory.resolve(AgentCallSigningKey.FILE_NAME)), readPrevious(directory));
    }

    private static PreviousAgentCallKey readPrevious(Path directory)
            throws IOException
    {
        Path file = directory.resolve(PREVIOUS_FILE_NAME);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return PreviousAgentCallKey.parse(Files.readString(file).strip());
        }
        catch (IllegalArgumentException e) {
            throw new IOException(file + " is damaged (" + e.getMessage() + "): remove it (agents then take only the current key) or restore it from a replica", e);
        }
    }

    /** A ring signing with a new key, the current one taken until now + grace; held in memory only. */
    public AgentCallKeyRing rotated(Duration grace, Instant now)
    {
        requireNonNull(grace, "grace is null");
        return new AgentCallKeyRing(AgentCallSigningKey.ephemeral(), new PreviousAgentCallKey(current.publicKeyText(), now.plus(grace)));
    }

    /**
     * Writes this ring to directory: the previous key first, then the signing key, each replacing its file in one step,
     * so that a crash between the two leaves the old key named as its own previous (harmless) rather than a new key
     * whose predecessor agents were never told about.
     */
    public void writeTo(Path directory)
            throws IOException
    {
        Path previousFile = directory.resolve(PREVIOUS_FILE_NAME);
        if (previous == null) {
            Files.deleteIfExists(previousFile);
        }
        else {
            Files.createDirectories(directory);
            Path temporary = previousFile.resolveSibling(PREVIOUS_FILE_NAME + ".tmp");
            Files.writeString(temporary, previous.headerValue() + "\n");
            Files.move(temporary, previousFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        current.writeTo(directory.resolve(AgentCallSigningKey.FILE_NAME));
    }

    /** The key rotated away from, while agents still take calls signed by it at now. */
    public Optional<PreviousAgentCallKey> previousAt(Instant now)
    {
        return previous != null && previous.validAt(now) ? Optional.of(previous) : Optional.empty();
    }

    /** Whether other holds the same public keys (the private key follows from the public one's file). */
    public boolean sameKeysAs(AgentCallKeyRing other)
    {
        return current.publicKeyText().equals(other.current.publicKeyText()) && java.util.Objects.equals(previous, other.previous);
    }
}
