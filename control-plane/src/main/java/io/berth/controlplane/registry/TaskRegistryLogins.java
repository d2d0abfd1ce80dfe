package io.berth.controlplane.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The login the tasks of an account pull from Berth's registry with. One login serves all of an account's tasks
 * while it has more than half its hour to live, and is then minted anew: an agent resolves a tag once for a burst
 * of the account's tasks and keeps the registry's access token between pulls, both kept under the login that won
 * them, where a login minted per task made every pull ask the token service and the registry again. A task is
 * always handed a login valid for at least half an hour, long enough for a pull after an agent restart.
 */
public final class TaskRegistryLogins
{
    public static final Duration LIFETIME = Duration.ofHours(1);
    private static final Duration REUSED_WHILE_LEFT = LIFETIME.dividedBy(2);

    private final RegistryTokens tokens;
    private final Clock clock;
    private final ConcurrentHashMap<String, LoginToken> current = new ConcurrentHashMap<>();

    public TaskRegistryLogins(RegistryTokens tokens, Clock clock)
    {
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The login for a task of the account: the account's current one, or a new one. */
    public LoginToken forTaskOf(String accountId)
    {
        requireNonNull(accountId, "accountId is null");
        Instant now = clock.instant();
        return current.compute(accountId, (account, held) -> held != null && held.expiresAt().isAfter(now.plus(REUSED_WHILE_LEFT))
                ? held
                : tokens.login(account, LIFETIME));
    }
}
