package io.berth.common.patching;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * An upgrade of a host's agent to another Berth build ({@code POST /v1/upgrades/{patchId}?bodySha256=HEX} on the agent
 * endpoint): where the build is (an http or https URL, or a path on the host), the SHA-256 it must have, and how many
 * seconds the agent may take to fetch, check and start it before the upgrade fails (and, once the new build runs, is
 * rolled back). The build is a tar or tar.gz archive of the jars that `berth` runs: berth-cli-VERSION.jar and lib/*.jar.
 */
public record AgentUpgradeRequest(String build, String sha256, long timeoutSeconds)
{
    public static final int MAX_BUILD_LENGTH = 2048;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public AgentUpgradeRequest
    {
        requireNonNull(build, "build is null");
        requireNonNull(sha256, "sha256 is null");
        if (build.isBlank()) {
            throw new IllegalArgumentException("the build is empty: give the URL or path of the new Berth build");
        }
        if (build.length() > MAX_BUILD_LENGTH) {
            throw new IllegalArgumentException("the build's URL is longer than " + MAX_BUILD_LENGTH + " characters");
        }
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits (as sha256sum prints them), got '" + sha256 + "'");
        }
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("timeoutSeconds must be 1 or more, got " + timeoutSeconds);
        }
    }

    /** Whether text is a SHA-256 as this request takes it. */
    public static boolean isSha256(String text)
    {
        return text != null && SHA256.matcher(text).matches();
    }
}
