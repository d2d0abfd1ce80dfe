package io.berth.controlplane.api.http;

import io.berth.common.sigv4.UriEncoding;
import io.berth.controlplane.api.AdminEndpoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** An admin endpoint with its path pattern split into segments, e.g. ["berth", "tasks", "{taskId}", "logs"]. */
record AdminRoute(AdminEndpoint endpoint, List<String> patternSegments)
{
    AdminRoute
    {
        requireNonNull(endpoint, "endpoint is null");
        patternSegments = List.copyOf(patternSegments);
    }

    static AdminRoute of(AdminEndpoint endpoint)
    {
        String pattern = endpoint.pathPattern();
        if (!pattern.startsWith("/berth/")) {
            throw new IllegalArgumentException("Admin endpoint path must start with /berth/: " + pattern);
        }
        return new AdminRoute(endpoint, segments(pattern));
    }

    /**
     * The path parameters if rawPath matches this route's pattern. Segments are decoded after splitting, so
     * an encoded '/' (%2F) stays inside its parameter.
     */
    Optional<Map<String, String>> match(String rawPath)
    {
        List<String> pathSegments = segments(rawPath);
        if (pathSegments.size() != patternSegments.size()) {
            return Optional.empty();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < patternSegments.size(); i++) {
            String expected = patternSegments.get(i);
            String actual = UriEncoding.decode(pathSegments.get(i));
            if (expected.startsWith("{") && expected.endsWith("}")) {
                if (actual.isEmpty()) {
                    return Optional.empty();
                }
                parameters.put(expected.substring(1, expected.length() - 1), actual);
            }
            else if (!expected.equals(actual)) {
                return Optional.empty();
            }
        }
        return Optional.of(parameters);
    }

    private static List<String> segments(String path)
    {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return List.of(trimmed.split("/", -1));
    }
}
