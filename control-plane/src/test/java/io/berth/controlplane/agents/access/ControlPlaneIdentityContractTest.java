package io.berth.controlplane.agents.access;

import io.berth.controlplane.TestingClock;
import io.berth.controlplane.leadership.ReplicaDirectory;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.tls.ClusterCertificateAuthority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Replicas of one cluster must prove themselves to agents alike: one agent-call key, one CA. */
abstract class ControlPlaneIdentityContractTest
{
    private static final URI FIRST = URI.create("https://10.0.0.1:8686");
    private static final URI SECOND = URI.create("https://10.0.0.2:8686");

    @TempDir
    protected Path directory;

    private final TestingClock clock = new TestingClock();
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

    private ControlPlaneIdentity identity(AgentCallSigningKey key, ClusterCertificateAuthority authority)
    {
        ControlPlaneIdentity identity = new ControlPlaneIdentity(clock);
        identity.useSigningKey(key);
        identity.useCertificateAuthority(authority);
        return identity;
    }
}
