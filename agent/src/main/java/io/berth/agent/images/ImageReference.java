package io.berth.agent.images;

import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * An image reference parsed the way Docker parses it: {@code busybox} is {@code docker.io/library/busybox:latest},
 * {@code host:port/repo:tag}, {@code repo@sha256:...} and {@code repo:tag@sha256:...} (the digest wins when
 * pulling). A first component with a dot, a colon, or named {@code localhost} is a registry host.
 */
public record ImageReference(String registry, String repository, Optional<String> tag, Optional<Digest> digest)
{
    public static final String DOCKER_HUB = "docker.io";
    private static final String DOCKER_HUB_API_HOST = "registry-1.docker.io";
    private static final String DEFAULT_TAG = "latest";
    private static final int MAX_NAME_LENGTH = 255;

    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+])(?::[0-9]{1,5})?");

    public ImageReference
    {
        requireNonNull(registry, "registry is null");
        requireNonNull(repository, "repository is null");
        requireNonNull(tag, "tag is null");
        requireNonNull(digest, "digest is null");
        if (tag.isEmpty() && digest.isEmpty()) {
            throw new IllegalArgumentException("an image reference needs a tag or a digest");
        }
    }

    /** Parses a user-written reference; the exception message says what is wrong with it. */
    public static ImageReference parse(String reference)
    {
        requireNonNull(reference, "reference is null");
        if (reference.isEmpty()) {
            throw invalid(reference, "it is empty");
        }
        if (!reference.strip().equals(reference)) {
            throw invalid(reference, "it has leading or trailing whitespace");
        }
        if (reference.contains("://")) {
            throw invalid(reference, "leave out the scheme (write host:port/repository:tag)");
        }

        String remainder = reference;
        Optional<Digest> digest = Optional.empty();
        int at = remainder.indexOf('@');
        if (at >= 0) {
            try {
                digest = Optional.of(Digest.parse(remainder.substring(at + 1)));
            }
            catch (IllegalArgumentException e) {
                throw invalid(reference, e.getMessage());
            }
            remainder = remainder.substring(0, at);
        }

        Optional<String> tag = Optional.empty();
        int lastSlash = remainder.lastIndexOf('/');
        int tagColon = remainder.lastIndexOf(':');
        if (tagColon > lastSlash) {
            String tagValue = remainder.substring(tagColon + 1);
            if (!TAG.matcher(tagValue).matches()) {
                throw invalid(reference, "tag \"" + tagValue + "\" must be 1 to 128 of [A-Za-z0-9_.-] and not start with '.' or '-'");
            }
            tag = Optional.of(tagValue);
            remainder = remainder.substring(0, tagColon);
        }
        if (remainder.isEmpty()) {
            throw invalid(reference, "the repository name is missing");
        }

        String registry = DOCKER_HUB;
        String path = remainder;
        int firstSlash = remainder.indexOf('/');
        if (firstSlash >= 0) {
            String first = remainder.substring(0, firstSlash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                if (!HOST.matcher(first).matches()) {
                    throw invalid(reference, "registry host \"" + first + "\" is not a valid host[:port]");
                }
                registry = first;
                path = remainder.substring(firstSlash + 1);
            }
        }
        if (registry.equals("index.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        if (path.isEmpty()) {
            throw invalid(reference, "the repository name is missing");
        }
        for (String component : path.split("/", -1)) {
            if (component.isEmpty()) {
                throw invalid(reference, "the repository name has an empty path component");
            }
            if (!component.toLowerCase(java.util.Locale.ROOT).equals(component)) {
                throw invalid(reference, "repository name must be lowercase");
            }
            if (!PATH_COMPONENT.matcher(component).matches()) {
                throw invalid(reference, "repository path component \"" + component + "\" must be lowercase letters and digits, separated by '.', '_', '__' or '-'");
            }
        }
        if (registry.length() + 1 + path.length() > MAX_NAME_LENGTH) {
            throw invalid(reference, "the repository name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = Optional.of(DEFAULT_TAG);
        }
        return new ImageReference(registry, path, tag, digest);
    }

    private static IllegalArgumentException invalid(String reference, String reason)
    {
        return new IllegalArgumentException("invalid image reference \"" + reference + "\": " + reason);
    }

    /** The host:port to send API requests to; Docker Hub's API lives on a host other than its name. */
    public String apiHost()
    {
        return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API_HOST : registry;
    }

    /** What goes after {@code /manifests/}: the digest if there is one, else the tag. */
    public String manifestReference()
    {
        return digest.map(Digest::toString).orElseGet(tag::orElseThrow);
    }

    public ImageReference withDigest(Digest newDigest)
    {
        return new ImageReference(registry, repository, tag, Optional.of(newDigest));
    }

    /** The fully qualified form, e.g. {@code docker.io/library/busybox:latest}. */
    @Override
    public String toString()
    {
        StringBuilder text = new StringBuilder(registry).append('/').append(repository);
        tag.ifPresent(value -> text.append(':').append(value));
        digest.ifPresent(value -> text.append('@').append(value));
        return text.toString();
    }
}
