package io.berth.controlplane.registry;

import static java.util.Objects.requireNonNull;

/**
 * Why a repository request cannot be done; the ECR edge turns each kind into ECR's error of the same name. A
 * repository of another account is NOT_FOUND, as if it did not exist: the caller learns nothing about it.
 */
public final class RepositoryException
        extends RuntimeException
{
    public enum Kind { REPOSITORY_NOT_FOUND, REPOSITORY_ALREADY_EXISTS, REPOSITORY_NOT_EMPTY, IMAGE_NOT_FOUND }

    private final Kind kind;

    public RepositoryException(Kind kind, String message)
    {
        super(requireNonNull(message, "message is null"));
        this.kind = requireNonNull(kind, "kind is null");
    }

    public Kind kind()
    {
        return kind;
    }

    static RepositoryException notFound(String accountId, String name)
    {
        return new RepositoryException(Kind.REPOSITORY_NOT_FOUND, "The repository with name '%s' does not exist in the registry with id '%s'".formatted(name, accountId));
    }

    static RepositoryException alreadyExists(String accountId, String name)
    {
        return new RepositoryException(Kind.REPOSITORY_ALREADY_EXISTS, "The repository with name '%s' already exists in the registry with id '%s'".formatted(name, accountId));
    }

    static RepositoryException notEmpty(String accountId, String name)
    {
        return new RepositoryException(Kind.REPOSITORY_NOT_EMPTY,
                "The repository with name '%s' in registry with id '%s' cannot be deleted because it still contains images; delete them first or pass force".formatted(name, accountId));
    }
}
