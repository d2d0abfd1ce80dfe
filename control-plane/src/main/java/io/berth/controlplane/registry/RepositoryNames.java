package io.berth.controlplane.registry;

import io.berth.controlplane.resources.InvalidRequestException;

import java.util.regex.Pattern;

/** ECR's rule for a repository name: 2 to 256 characters, lowercase path components separated by '/'. */
public final class RepositoryNames
{
    private static final Pattern NAME = Pattern.compile("(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*");

    private RepositoryNames() {}

    public static boolean isValid(String name)
    {
        return name != null && name.length() >= 2 && name.length() <= 256 && NAME.matcher(name).matches();
    }

    public static String check(String name)
    {
        if (name == null || name.isEmpty()) {
            throw InvalidRequestException.invalidValue("repositoryName is required.");
        }
        if (!isValid(name)) {
            throw InvalidRequestException.invalidValue("Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression "
                    + "'(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*' and be 2 to 256 characters long', got '" + name + "'");
        }
        return name;
    }
}
