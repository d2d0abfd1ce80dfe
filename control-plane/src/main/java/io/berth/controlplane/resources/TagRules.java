package io.berth.controlplane.resources;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * ECS's rules for the tags of a resource: at most 50, keys of 1 to 128 and values of up to 256 characters
 * (letters, digits, spaces and {@code _ . : / = + - @}), no key twice, and no key that starts with {@code aws:}
 * in any case (reserved for AWS). Refusals are InvalidParameterExceptions, as ECS's are.
 */
public final class TagRules
{
    static final int MAX_TAGS = 50;
    static final int MAX_KEY_LENGTH = 128;
    static final int MAX_VALUE_LENGTH = 256;
    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

    private TagRules() {}

    public static List<Tag> check(List<Tag> tags)
    {
        if (tags == null) {
            return List.of();
        }
        if (tags.size() > MAX_TAGS) {
            throw InvalidRequestException.invalidValue("A resource can have at most " + MAX_TAGS + " tags, got " + tags.size() + ".");
        }
        Set<String> keys = new HashSet<>();
        for (Tag tag : tags) {
            String key = tag.key();
            if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
                throw InvalidRequestException.invalidValue("Invalid tag key '" + key + "': a key has 1 to " + MAX_KEY_LENGTH + " characters.");
            }
            if (tag.value().length() > MAX_VALUE_LENGTH) {
                throw InvalidRequestException.invalidValue("Invalid value for tag '" + key + "': a value has at most " + MAX_VALUE_LENGTH + " characters.");
            }
            if (!ALLOWED.matcher(key).matches() || !ALLOWED.matcher(tag.value()).matches()) {
                throw InvalidRequestException.invalidValue("Invalid tag '" + key + "': keys and values may hold letters, digits, spaces and _ . : / = + - @ only.");
            }
            if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                throw InvalidRequestException.invalidValue("Invalid tag key '" + key + "': keys that start with 'aws:' are reserved for AWS use.");
            }
            if (!keys.add(key)) {
                throw InvalidRequestException.invalidValue("Duplicate tag key '" + key + "': each key may appear once.");
            }
        }
        return List.copyOf(tags);
    }
}
