package io.berth.controlplane.agents.access;

import io.berth.common.hostauth.HostCredential;
import io.berth.controlplane.store.Store;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rotation of a host's secret: asked by the operator, taken by the agent, the old secret good for the grace only. */
abstract class HostCredentialRotationContractTest
{
    @TempDir
    protected Path directory;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private Store store;
    private HostAccess access;
    private HostCredential original;

    @BeforeEach
    void open()
    {
        store = Store.open(jdbcUrl());
        access = new HostAccess(store, clock);
        original = access.join(access.issueJoinToken(Optional.empty()).token());
    }

    /** The store to run on: SQLite and PostgreSQL, one subclass each. */
    protected abstract String jdbcUrl();

    @AfterEach
    void close()
    {
        store.close();
    }

    @Test
    void theAgentIsToldToRotateAndItsOldSecretIsRefusedOnceTheGraceEnds()
    {
        assertThat(access.authenticateHost(original.authorizationHeader()).rotationDue()).isFalse();

        assertThat(access.requestRotation(List.of(original.hostId()), Duration.ofSeconds(30))).containsExactly(original.hostId());
        assertThat(access.authenticateHost(original.authorizationHeader()).rotationDue()).isTrue();

        HostCredential next = access.rotate(original.authorizationHeader());
        assertThat(next.hostId()).isEqualTo(original.hostId());
        assertThat(next.secret()).isNotEqualTo(original.secret());
        assertThat(access.authenticateHost(next.authorizationHeader()).rotationDue()).isFalse();
        // the old one works for the grace, and says to rotate (its agent may have lost the answer)
        assertThat(access.authenticateHost(original.authorizationHeader()).rotationDue()).isTrue();

        clock.advance(Duration.ofSeconds(31));
        assertThatThrownBy(() -> access.authenticate(original.authorizationHeader()))
                .isInstanceOf(HostAccessDeniedException.class)
                .hasMessageContaining("was replaced at")
                .hasMessageContaining("grace period ended");
        assertThat(access.authenticate(next.authorizationHeader())).isEqualTo(original.hostId());
    }

    @Test
    void anAgentWhoseAnswerWasLostRotatesAgainWithItsOldSecret()
    {
        access.requestRotation(List.of(original.hostId()), Duration.ofMinutes(1));
        HostCredential lost = access.rotate(original.authorizationHeader());

        HostCredential again = access.rotate(original.authorizationHeader());

        assertThat(access.authenticate(again.authorizationHeader())).isEqualTo(original.hostId());
        assertThat(access.authenticate(original.authorizationHeader())).as("the secret it rotated with, in its grace").isEqualTo(original.hostId());
        assertThatThrownBy(() -> access.authenticate(lost.authorizationHeader())).isInstanceOf(HostAccessDeniedException.class);
    }

    @Test
    void anUnknownOrRemovedHostIsNotRotatedAndNoneIsAskedThen()
    {
        assertThatThrownBy(() -> access.requestRotation(List.of(original.hostId(), "host-nope"), Duration.ZERO))
                .isInstanceOf(HostAccessDeniedException.class)
                .hasMessageContaining("host-nope");
        assertThat(access.authenticateHost(original.authorizationHeader()).rotationDue()).as("no host asked when one cannot be").isFalse();

        store.useTransaction(transaction -> transaction.hostCredentials().revoke(original.hostId(), clock.instant()));
        assertThat(access.requestRotation(List.of(), Duration.ZERO)).as("--all: the hosts with a valid credential").doesNotContain(original.hostId());
        assertThatThrownBy(() -> access.rotate(original.authorizationHeader())).isInstanceOf(HostAccessDeniedException.class).hasMessageContaining("revoked");
    }

    @Test
    void aNewCredentialIssuedDirectlyEndsTheGraceOfTheOldOnes()
    {
        access.requestRotation(List.of(original.hostId()), Duration.ofMinutes(1));
        access.rotate(original.authorizationHeader());

        HostCredential issued = access.issueCredential(original.hostId());

        assertThatThrownBy(() -> access.authenticate(original.authorizationHeader())).isInstanceOf(HostAccessDeniedException.class);
        assertThat(access.authenticateHost(issued.authorizationHeader()).rotationDue()).isFalse();
    }
}
