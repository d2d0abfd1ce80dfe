package io.berth.cli.commands;

import java.util.Locale;

/** Names derived from an image reference, e.g. "127.0.0.1:5000/library/busybox:1.36" -> "busybox". */
final class ImageNames
{
    private ImageNames() {}

    /** The last path component of the repository, without tag or digest, as a valid ECS name. */
    static String shortName(String image)
    {
        String reference = image.strip();
        int digest = reference.indexOf('@');
        if (digest >= 0) {
            reference = reference.substring(0, digest);
        }
        String lastComponent = reference.substring(reference.lastIndexOf('/') + 1);
        int tag = lastComponent.indexOf(':');
        if (tag >= 0) {
            lastComponent = lastComponent.substring(0, tag);
        }
        String sanitized = lastComponent.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
        if (sanitized.isEmpty()) {
            sanitized = "container";
        }
        return sanitized.length() > 200 ? sanitized.substring(0, 200) : sanitized;
    }

    static String runFamily(String image)
    {
        return "berth-run-" + shortName(image);
    }
}
