package io.berth.controlplane.agents.access;

import io.berth.common.hostauth.HostCredential;
import io.berth.common.hostauth.JoinTokenText;
import io.berth.common.tls.CertificatePin;
import io.berth.controlplane.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

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
}
