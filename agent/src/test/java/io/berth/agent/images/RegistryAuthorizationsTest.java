package io.berth.agent.images;

import io.berth.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RegistryAuthorizationsTest
{
    private static final String REPOSITORY = "registry.example:5000/team/app";
    private static final Optional<RegistryCredentials.Credential> ALICE = Optional.of(new RegistryCredentials.Credential("alice", "s3cret"));

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T05:00:00Z"));
    private final RegistryAuthorizations authorizations = new RegistryAuthorizations(clock);

    @Test
    void aTokenIsSentUntilShortlyBeforeItExpires()
    {
        authorizations.put(ALICE, REPOSITORY, "Bearer one", Duration.ofSeconds(300));

        clock.advance(Duration.ofSeconds(300).minus(RegistryAuthorizations.EXPIRY_MARGIN).minusMillis(1));
        assertThat(authorizations.get(ALICE, REPOSITORY)).contains("Bearer one");
        clock.advance(Duration.ofMillis(1));
        assertThat(authorizations.get(ALICE, REPOSITORY)).isEmpty();
    }

    @Test
    void aTokenServesOnlyTheCredentialThatWonItAndItsRepository()
    {
        authorizations.put(ALICE, REPOSITORY, "Bearer alice's", Duration.ofSeconds(300));
        authorizations.put(Optional.empty(), REPOSITORY, "Bearer anonymous", Duration.ofSeconds(300));

        assertThat(authorizations.get(Optional.of(new RegistryCredentials.Credential("alice", "s3cret")), REPOSITORY)).contains("Bearer alice's");
        assertThat(authorizations.get(Optional.of(new RegistryCredentials.Credential("alice", "other")), REPOSITORY)).isEmpty();
        assertThat(authorizations.get(Optional.of(new RegistryCredentials.Credential("bob", "s3cret")), REPOSITORY)).isEmpty();
        assertThat(authorizations.get(Optional.empty(), REPOSITORY)).contains("Bearer anonymous");
        assertThat(authorizations.get(ALICE, "registry.example:5000/team/other")).isEmpty();
    }

    @Test
    void aTokenTooShortLivedToSendIsNotKept()
    {
        authorizations.put(ALICE, REPOSITORY, "Bearer brief", RegistryAuthorizations.EXPIRY_MARGIN);

        assertThat(authorizations.get(ALICE, REPOSITORY)).isEmpty();
        assertThat(authorizations.size()).isZero();
    }

    @Test
    void aBasicAnswerOutlivesATokensDefaultLifetime()
    {
        authorizations.put(ALICE, REPOSITORY, "Basic YWxpY2U6czNjcmV0", RegistryAuthorizations.DEFAULT_TOKEN_LIFETIME);

        clock.advance(RegistryAuthorizations.DEFAULT_TOKEN_LIFETIME.multipliedBy(10));
        assertThat(authorizations.get(ALICE, REPOSITORY)).contains("Basic YWxpY2U6czNjcmV0");
    }

    @Test
    void expiredEntriesAreDroppedOnceThereAreMany()
    {
        for (int index = 0; index < 1100; index++) {
            authorizations.put(ALICE, REPOSITORY + index, "Bearer " + index, Duration.ofSeconds(60));
        }
        clock.advance(Duration.ofSeconds(60));
        authorizations.put(ALICE, REPOSITORY, "Bearer fresh", Duration.ofSeconds(60));

        assertThat(authorizations.size()).isEqualTo(1);
    }
}
