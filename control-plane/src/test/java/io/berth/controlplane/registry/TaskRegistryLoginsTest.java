package io.berth.controlplane.registry;

import io.berth.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class TaskRegistryLoginsTest
{
    private static final String A = "111111111111";
    private static final String B = "222222222222";

    @TempDir
    Path directory;

    @Test
    void anAccountsTasksShareALoginUntilHalfItsLifeIsGone()
            throws Exception
    {
        ManualClock clock = new ManualClock();
        RegistryTokens tokens = new RegistryTokens(RegistrySigningKey.loadOrCreate(directory.resolve("key")), clock);
        TaskRegistryLogins logins = new TaskRegistryLogins(tokens, clock);

        LoginToken first = logins.forTaskOf(A);
        assertThat(tokens.accountOf(first.password())).contains(A);
        assertThat(first.expiresAt()).isEqualTo(clock.instant().plus(TaskRegistryLogins.LIFETIME));

        clock.advance(Duration.ofMinutes(29));
        assertThat(logins.forTaskOf(A)).isEqualTo(first);
        // another account never gets A's login
        LoginToken other = logins.forTaskOf(B);
        assertThat(other.password()).isNotEqualTo(first.password());
        assertThat(tokens.accountOf(other.password())).contains(B);

        // with half an hour or less left, a task gets a new login, valid for the whole lifetime
        clock.advance(Duration.ofMinutes(1));
        LoginToken renewed = logins.forTaskOf(A);
        assertThat(renewed.password()).isNotEqualTo(first.password());
        assertThat(renewed.expiresAt()).isEqualTo(clock.instant().plus(TaskRegistryLogins.LIFETIME));
        assertThat(tokens.accountOf(renewed.password())).contains(A);
    }
}
