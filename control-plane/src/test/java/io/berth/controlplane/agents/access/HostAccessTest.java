package io.berth.controlplane.agents.access;

import io.berth.common.hostauth.HostCredential;
import io.berth.common.hostauth.JoinTokenText;
import io.berth.common.tls.CertificatePin;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.controlplane.agents.HostSignals;
import io.berth.controlplane.hosts.HostService;
import io.berth.controlplane.store.HostCredentialRows.StoredCredential;
import io.berth.controlplane.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostAccessTest
{
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path directory;

    private Store store;
    private HostAccess access;

    @BeforeEach
    void open()
    {
        store = Store.open("jdbc:sqlite:" + directory.resolve("berth.db"));
        access = new HostAccess(store, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void close()
    {
        store.close();
    }

    @Test
    void tokensCarryThePinOnceTheApiServesTlsAndAreAcceptedWithOrWithoutIt()
    {
        String plain = access.issueJoinToken(Optional.empty()).token();
        assertThat(JoinTokenText.parse(plain).pin()).isEmpty();

        CertificatePin pin = new CertificatePin("ab".repeat(32));
        access.pinJoinTokens(pin);
        String pinned = access.issueJoinToken(Optional.empty()).token();

        assertThat(pinned).endsWith("." + pin);
        assertThat(access.join(JoinTokenText.parse(pinned).credential()).hostId()).startsWith("host-");
        assertThat(access.join(pinned).hostId()).as("the whole token, pin and all").startsWith("host-");
    }

    @Test
    void aRevokedTokenJoinsNoMoreButItsHostsKeepTheirCredentials()
    {
        String token = access.issueJoinToken(Optional.empty()).token();
        HostCredential joined = access.join(token);
        String tokenId = token.substring(0, token.indexOf('.'));

        assertThat(access.revokeJoinToken(tokenId)).contains(tokenId);
        assertThat(access.revokeJoinToken(token)).as("already revoked").isEmpty();
        assertThat(access.revokeJoinToken("jtunknown")).isEmpty();

        assertThatThrownBy(() -> access.join(token))
                .isInstanceOfSatisfying(HostAccessDeniedException.class, e -> assertThat(e.unauthenticated()).isTrue())
                .hasMessage("the join token " + tokenId + " was revoked at " + NOW + ": get a new one with `berth host token`");
        assertThat(access.authenticate(joined.authorizationHeader())).isEqualTo(joined.hostId());
    }

    @Test
    void aRevokedHostCredentialIsRefusedSayingSo()
    {
        HostCredential credential = access.join(access.issueJoinToken(Optional.empty()).token());
        store.useTransaction(transaction -> transaction.hostCredentials().revoke(credential.hostId(), NOW));

        assertThatThrownBy(() -> access.authenticate(credential.authorizationHeader()))
                .isInstanceOfSatisfying(HostAccessDeniedException.class, e -> assertThat(e.unauthenticated()).isTrue())
                .hasMessageStartingWith("the credential of host " + credential.hostId() + " was revoked at " + NOW + " (`berth host rm`)");
        assertThat(access.secretHash(credential.hostId())).as("the control plane signs no call to a revoked host").isEmpty();
    }

    @Test
    void aHostsCallsReadItsCredentialOnceWhileItIsKeptAndItsRemovalRefusesTheNextCallAtOnce()
    {
        HostCredential credential = access.join(access.issueJoinToken(Optional.empty()).token());
        for (int call = 0; call < 10; call++) {
            assertThat(access.authenticate(credential.authorizationHeader())).isEqualTo(credential.hostId());
        }
        assertThat(access.credentialReads()).isEqualTo(1);
        // a wrong secret is never accepted from what was kept: it is checked against the store, and refused
        HostCredential forged = new HostCredential(credential.hostId(), "f".repeat(64));
        assertThatThrownBy(() -> access.authenticate(forged.authorizationHeader())).isInstanceOf(HostAccessDeniedException.class);

        hosts(access::credentialChanged).remove(registered(credential.hostId()), false);
        assertThatThrownBy(() -> access.authenticate(credential.authorizationHeader()))
                .isInstanceOf(HostAccessDeniedException.class)
                .hasMessageStartingWith("the credential of host " + credential.hostId() + " was revoked at " + NOW);
    }

    @Test
    void aCredentialRevokedThroughAnotherReplicaIsRefusedOnceToldAndWithoutTheNoticeOnceWhatWasKeptIsOld()
    {
        AtomicLong nanos = new AtomicLong();
        HostAccess other = new HostAccess(store, Clock.fixed(NOW, ZoneOffset.UTC), new KeptCredentials(nanos::get, KeptCredentials.MAX_AGE));
        // as the relay does between replicas of one store
        access.publishCredentialChangesTo(other::credentialChangedElsewhere);

        HostCredential told = access.join(access.issueJoinToken(Optional.empty()).token());
        assertThat(other.authenticate(told.authorizationHeader())).isEqualTo(told.hostId());
        hosts(access::credentialChanged).remove(registered(told.hostId()), false);
        assertThatThrownBy(() -> other.authenticate(told.authorizationHeader())).isInstanceOf(HostAccessDeniedException.class);

        // a notice lost (the credential revoked with no word to the other replica): what it kept serves until it is old
        HostCredential untold = access.join(access.issueJoinToken(Optional.empty()).token());
        assertThat(other.authenticate(untold.authorizationHeader())).isEqualTo(untold.hostId());
        hosts(hostId -> {}).remove(registered(untold.hostId()), false);
        nanos.addAndGet(KeptCredentials.MAX_AGE.toNanos() - 1);
        assertThat(other.authenticate(untold.authorizationHeader())).isEqualTo(untold.hostId());
        nanos.addAndGet(1);
        assertThatThrownBy(() -> other.authenticate(untold.authorizationHeader())).isInstanceOf(HostAccessDeniedException.class);
    }

    @Test
    void aReadThatBeganBeforeAForgetIsNotKept()
    {
        KeptCredentials kept = new KeptCredentials();
        StoredCredential stored = new StoredCredential("hash", null, null, null, null, null);
        long before = kept.generation();
        kept.forget("host-1");
        kept.keep("host-1", stored, before);
        assertThat(kept.fresh("host-1")).isEmpty();
        kept.keep("host-1", stored, kept.generation());
        assertThat(kept.fresh("host-1")).contains(stored);
        kept.forgetAll();
        assertThat(kept.fresh("host-1")).isEmpty();
    }

    private HostService hosts(Consumer<String> credentialRevoked)
    {
        return new HostService(store, new HostSignals(), Duration.ofMinutes(1), Clock.fixed(NOW, ZoneOffset.UTC), credentialRevoked);
    }

    /** hostId, once its agent's first heartbeat made it a host of the store (removal needs one). */
    private String registered(String hostId)
    {
        store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(new HostInfo(hostId, "192.0.2.10", 4096, 8192, Map.of()), NOW));
        return hostId;
    }
}
