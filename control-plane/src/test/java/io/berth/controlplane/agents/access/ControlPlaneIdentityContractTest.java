package io.berth.controlplane.agents.access;

import io.berth.controlplane.leadership.ReplicaDirectory;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.tls.ClusterCertificateAuthority;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Replicas of one cluster must prove themselves to agents alike: one agent-call key, one CA. */
abstract class ControlPlaneIdentityContractTest
{
    private static final URI FIRST = URI.create("https://10.0.0.1:8686");
    private static final URI SECOND = URI.create("https://10.0.0.2:8686");

    @TempDir
    protected Path directory;

    private final ManualClock clock = new ManualClock();
    private Store store;

    @BeforeEach
    void open()
    {
        store = Store.open(jdbcUrl());
    }

    /** The store to run on: SQLite and PostgreSQL, one subclass each. */
    protected abstract String jdbcUrl();

    @AfterEach
    void close()
    {
        store.close();
    }

    @Test
    void aReplicaWithTheSameDirectoryStartsAndOneWithAnotherKeyOrCaIsRefused()
            throws Exception
    {
        Path tls = directory.resolve("tls");
        ControlPlaneIdentity first = identity(AgentCallSigningKey.loadOrCreate(tls.resolve(AgentCallSigningKey.FILE_NAME)), ClusterCertificateAuthority.loadOrCreate(tls, clock));
        first.announce(store, FIRST, clock.instant().minus(ReplicaDirectory.FORGET_AFTER));
        new ReplicaDirectory(store, "replica-1", clock).advertise(FIRST);

        ControlPlaneIdentity copy = identity(AgentCallSigningKey.loadOrCreate(tls.resolve(AgentCallSigningKey.FILE_NAME)), ClusterCertificateAuthority.loadOrCreate(tls, clock));
        assertThatCode(() -> copy.announce(store, SECOND, clock.instant().minus(ReplicaDirectory.FORGET_AFTER))).doesNotThrowAnyException();

        ControlPlaneIdentity otherKey = identity(AgentCallSigningKey.ephemeral(), ClusterCertificateAuthority.loadOrCreate(tls, clock));
        assertThatThrownBy(() -> otherKey.announce(store, SECOND, clock.instant().minus(ReplicaDirectory.FORGET_AFTER)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(FIRST.toString())
                .hasMessageContaining("another agent-call key")
                .hasMessageContaining("copy it from a running replica");
        ControlPlaneIdentity otherCa = identity(AgentCallSigningKey.loadOrCreate(tls.resolve(AgentCallSigningKey.FILE_NAME)),
                ClusterCertificateAuthority.loadOrCreate(directory.resolve("other-tls"), clock));
        assertThatThrownBy(() -> otherCa.announce(store, SECOND, clock.instant().minus(ReplicaDirectory.FORGET_AFTER)))
                .hasMessageContaining("another cluster CA");

        // once the first is gone, a replica may start with keys of its own (the operator replaced them)
        clock.advance(ReplicaDirectory.FORGET_AFTER.plus(Duration.ofSeconds(1)));
        assertThatCode(() -> otherKey.announce(store, SECOND, clock.instant().minus(ReplicaDirectory.FORGET_AFTER))).doesNotThrowAnyException();
    }

    @Test
    void aRotationIsFollowedByTheReplicasSharingTheDirectoryAndARestartWithTheOldCopyIsRefused()
            throws Exception
    {
        Path tls = directory.resolve("tls");
        Path oldCopy = directory.resolve("old-copy");
        ControlPlaneIdentity first = identityOn(tls);
        first.announce(store, FIRST, clock.instant().minus(ReplicaDirectory.FORGET_AFTER));
        new ReplicaDirectory(store, "replica-1", clock).advertise(FIRST);
        ControlPlaneIdentity second = identityOn(tls);
        second.announce(store, SECOND, clock.instant().minus(ReplicaDirectory.FORGET_AFTER));
        new ReplicaDirectory(store, "replica-2", clock).advertise(SECOND);
        try {
            rotateWithTwoReplicas(tls, oldCopy, first, second);
        }
        finally {
            // the PostgreSQL database is the class's: the other test must not meet this replica
            store.useTransaction(transaction -> transaction.replicas().remove("replica-2"));
        }
    }

    private void rotateWithTwoReplicas(Path tls, Path oldCopy, ControlPlaneIdentity first, ControlPlaneIdentity second)
            throws Exception
    {
        java.nio.file.Files.createDirectories(oldCopy);
        java.nio.file.Files.copy(tls.resolve(AgentCallSigningKey.FILE_NAME), oldCopy.resolve(AgentCallSigningKey.FILE_NAME));
        String oldKey = first.publicKeyText();

        AgentCallKeyRing rotated = first.rotate(Duration.ofMinutes(1));

        assertThat(rotated.current().publicKeyText()).isNotEqualTo(oldKey).isEqualTo(first.publicKeyText());
        assertThat(first.previousKey()).hasValueSatisfying(previous -> assertThat(previous.key()).isEqualTo(oldKey));
        assertThat(second.publicKeyText()).as("not read again yet").isEqualTo(oldKey);
        // the second still signs with the old key, which agents take during the grace
        second.followKeyDirectory();
        assertThat(second.publicKeyText()).isEqualTo(rotated.current().publicKeyText());
        assertThat(second.previousKey()).isEqualTo(first.previousKey());
        // a replica started with a copy of DIR/tls from before the rotation is told to copy it again
        assertThatThrownBy(() -> identityOn(oldCopy).announce(store, URI.create("https://10.0.0.3:8686"), clock.instant().minus(ReplicaDirectory.FORGET_AFTER)))
                .hasMessageContaining("another agent-call key");
        // one with the rotated directory starts, and so does the first again while a lagging replica still announces the old key
        assertThatCode(() -> identityOn(tls).announce(store, URI.create("https://10.0.0.3:8686"), clock.instant().minus(ReplicaDirectory.FORGET_AFTER)))
                .doesNotThrowAnyException();

        clock.advance(Duration.ofMinutes(2));
        assertThat(first.previousKey()).as("after the grace").isEmpty();
    }

    private ControlPlaneIdentity identityOn(Path tls)
            throws Exception
    {
        ControlPlaneIdentity identity = new ControlPlaneIdentity(clock);
        identity.useKeyDirectory(tls);
        identity.useCertificateAuthority(ClusterCertificateAuthority.loadOrCreate(directory.resolve("tls"), clock));
        return identity;
    }

    private ControlPlaneIdentity identity(AgentCallSigningKey key, ClusterCertificateAuthority authority)
    {
        ControlPlaneIdentity identity = new ControlPlaneIdentity(clock);
        identity.useSigningKey(key);
        identity.useCertificateAuthority(authority);
        return identity;
    }
}
