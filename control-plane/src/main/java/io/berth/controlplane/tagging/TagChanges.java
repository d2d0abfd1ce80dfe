package io.berth.controlplane.tagging;

import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.resources.TagRules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * TagResource's and UntagResource's effect on a list of tags, as ECS has it: tagging sets the value of a key that
 * exists and adds the others; untagging removes the keys given and ignores keys that are not there. The aws: tags
 * ECS adds itself (aws:ecs:clusterName) stay, cannot be set or removed by the user, and do not count against the
 * limit of 50.
 */
public final class TagChanges
{
    private static final String AWS_PREFIX = "aws:";

    private TagChanges() {}

    public static List<Tag> tag(List<Tag> current, List<Tag> added)
    {
        if (added.isEmpty()) {
            throw InvalidRequestException.invalidValue("tags can not be empty: give at least one tag to add.");
        }
        // checked alone first, so that a bad key is named as such rather than as a limit overrun
        TagRules.check(added);
        Map<String, Tag> byKey = new LinkedHashMap<>();
        userTags(current).forEach(tag -> byKey.put(tag.key(), tag));
        added.forEach(tag -> byKey.put(tag.key(), tag));
        List<Tag> user = TagRules.check(new ArrayList<>(byKey.values()));
        return withManaged(user, current);
    }

    public static List<Tag> untag(List<Tag> current, Collection<String> keys)
    {
        if (keys.isEmpty()) {
            throw InvalidRequestException.invalidValue("tagKeys can not be empty: give at least one key to remove.");
        }
        for (String key : keys) {
            if (key.toLowerCase(Locale.ROOT).startsWith(AWS_PREFIX)) {
                throw InvalidRequestException.invalidValue("Invalid tag key '" + key + "': keys that start with 'aws:' are reserved for AWS use.");
            }
        }
        List<Tag> user = userTags(current).stream().filter(tag -> !keys.contains(tag.key())).toList();
        return withManaged(user, current);
    }

    private static List<Tag> userTags(List<Tag> tags)
    {
        return tags.stream().filter(tag -> !isManaged(tag)).toList();
    }

    private static List<Tag> withManaged(List<Tag> user, List<Tag> current)
    {
        List<Tag> result = new ArrayList<>(user);
        current.stream().filter(TagChanges::isManaged).forEach(result::add);
        return List.copyOf(result);
    }

    private static boolean isManaged(Tag tag)
    {
        return tag.key().toLowerCase(Locale.ROOT).startsWith(AWS_PREFIX);
    }
}
