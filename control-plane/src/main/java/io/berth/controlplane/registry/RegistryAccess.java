package io.berth.controlplane.registry;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Who may do what in the registry, answered per requested scope ({@code repository:ACCOUNT_ID/NAME:pull,push}):
 * an account pulls and pushes under its own path (the first push makes the repository, as ECR's create-on-push),
 * pulls a public repository of another account, and nothing else. What is not granted is left out of the token,
 * and the registry then refuses the request itself.
 */
public final class RegistryAccess
{
    private static final Set<String> OWNER_ACTIONS = Set.of("pull", "push");

    private final RepositoryService repositories;
    private final RegistryTokens tokens;

    public RegistryAccess(RepositoryService repositories, RegistryTokens tokens)
    {
        this.repositories = requireNonNull(repositories, "repositories is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
    }

    /** The account a login password belongs to; empty when the password is not a valid, unexpired login token. */
    public Optional<String> login(String password)
    {
        return tokens.accountOf(password);
    }

    /** A registry token for the account with what it may do of the scopes it asked for. */
    public String token(String accountId, List<String> scopes)
    {
        List<AccessGrant> grants = new ArrayList<>();
        for (String scope : scopes) {
            grant(accountId, scope).ifPresent(grants::add);
        }
        return tokens.access(accountId, grants);
    }

    Optional<AccessGrant> grant(String accountId, String scope)
    {
        // repository:NAME:ACTIONS, where NAME may itself hold no colon (a registry path never does)
        String[] parts = scope.split(":");
        if (parts.length != 3 || !parts[0].equals("repository")) {
            return Optional.empty();
        }
        String path = parts[1];
        Set<String> requested = new LinkedHashSet<>(List.of(parts[2].split(",")));
        int slash = path.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        String owner = path.substring(0, slash);
        String name = path.substring(slash + 1);
        if (!RepositoryNames.isValid(name)) {
            return Optional.empty();
        }
        if (owner.equals(accountId)) {
            // the account's own path: a pull of what is not there finds nothing (a push client looks before it
            // writes); a push makes the repository
            if (requested.contains("push") && repositories.atPath(path).isEmpty()) {
                repositories.ownForPush(accountId, name);
            }
            List<String> allowed = requested.stream().filter(OWNER_ACTIONS::contains).toList();
            return allowed.isEmpty() ? Optional.empty() : Optional.of(AccessGrant.repository(path, allowed));
        }
        boolean publicPull = requested.contains("pull") && repositories.atPath(path).map(Repository::publicRead).orElse(false);
        return publicPull ? Optional.of(AccessGrant.repository(path, List.of("pull"))) : Optional.empty();
    }
}
