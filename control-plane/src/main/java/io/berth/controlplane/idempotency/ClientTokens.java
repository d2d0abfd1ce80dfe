package io.berth.controlplane.idempotency;

import io.berth.controlplane.store.StoreTransaction;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Remembers the client tokens of idempotent requests for {@link #WINDOW} (ECS keeps a RunTask token 24 hours), inside
 * the caller's transaction so that what a request made and its token are stored together or not at all.
 */
public final class ClientTokens
{
    public static final Duration WINDOW = Duration.ofHours(24);

    private final Clock clock;

    public ClientTokens(Clock clock)
    {
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * The ARNs the token's earlier request made, when it was the same request; empty when the token is new (or null,
     * or past its window). Throws {@link IdempotencyConflictException} when the token came with another request.
     */
    public Optional<List<String>> replay(StoreTransaction transaction, String accountId, String scope, ClientToken token)
    {
        if (token == null) {
            return Optional.empty();
        }
        Optional<IdempotentRequest> earlier = transaction.clientTokens().find(accountId, scope, token.token(), clock.instant().minus(WINDOW));
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        if (!earlier.get().requestDigest().equals(token.requestDigest())) {
            throw new IdempotencyConflictException("The clientToken '" + token.token() + "' was already used with different parameters; "
                    + "use a new clientToken for a different request.", earlier.get().resourceArns());
        }
        return Optional.of(earlier.get().resourceArns());
    }

    /** Records what the token's request made; nothing without a token. */
    public void record(StoreTransaction transaction, String accountId, String scope, ClientToken token, List<String> resourceArns)
    {
        if (token != null) {
            transaction.clientTokens().record(accountId, scope, token.token(), new IdempotentRequest(token.requestDigest(), resourceArns, clock.instant()));
        }
    }

    /** Forgets tokens past their window. */
    public int purgeExpired(StoreTransaction transaction)
    {
        return transaction.clientTokens().deleteBefore(clock.instant().minus(WINDOW));
    }
}
