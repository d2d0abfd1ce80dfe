package io.berth.controlplane.isolation;

import io.berth.common.agentprotocol.IsolationTier;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.resources.Tag;

import java.util.List;
import java.util.Optional;

/**
 * The tier a task runs at. A task definition may ask for a tier with the tag {@code berth:isolation} (value
 * {@code container} or {@code sandbox}); a task runs at the stronger of that and its account's tier, never below
 * the account's. Other keys under {@code berth:} are Berth's to define and refused, so a mistyped key never passes
 * for a tier that is not applied.
 */
public final class TaskIsolation
{
    public static final String TAG_KEY = "berth:isolation";
    private static final String RESERVED_PREFIX = "berth:";

    private TaskIsolation() {}

    /** Throws InvalidRequestException (InvalidParameterException) for a berth: tag Berth does not know or a tier it does not have. */
    public static void checkTags(List<Tag> tags)
    {
        for (Tag tag : tags) {
            if (tag.key().startsWith(RESERVED_PREFIX) && !tag.key().equals(TAG_KEY)) {
                throw InvalidRequestException.invalidValue("Invalid tag key '" + tag.key() + "': keys that start with '" + RESERVED_PREFIX
                        + "' are reserved for Berth, which knows only " + TAG_KEY + ".");
            }
        }
        requested(tags);
    }

    /** The tier the tags ask for, if any. */
    public static Optional<IsolationTier> requested(List<Tag> tags)
    {
        Optional<Tag> tag = tags.stream().filter(candidate -> candidate.key().equals(TAG_KEY)).findFirst();
        if (tag.isEmpty()) {
            return Optional.empty();
        }
        String value = tag.get().value();
        return Optional.of(IsolationTier.fromWireName(value).orElseThrow(() -> InvalidRequestException.invalidValue(
                "Invalid value '" + value + "' for tag " + TAG_KEY + ": use one of " + IsolationTier.wireNames() + ".")));
    }

    /** The tier a task of an account at accountTier runs at, given its task definition's tags. */
    public static IsolationTier effective(IsolationTier accountTier, List<Tag> taskDefinitionTags)
    {
        return accountTier.atLeast(requested(taskDefinitionTags).orElse(null));
    }
}
