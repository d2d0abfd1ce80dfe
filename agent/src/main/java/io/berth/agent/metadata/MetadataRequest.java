package io.berth.agent.metadata;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A request path of the task metadata endpoint: /v4/TOKEN (or /v3/TOKEN) and what follows it. */
record MetadataRequest(String token, Resource resource)
{
    enum Resource { CONTAINER, TASK, CONTAINER_STATS, TASK_STATS }

    MetadataRequest
    {
        requireNonNull(token, "token is null");
        requireNonNull(resource, "resource is null");
    }

    static Optional<MetadataRequest> parse(String path)
    {
        String rest;
        if (path.startsWith("/v4/")) {
            rest = path.substring("/v4/".length());
        }
        else if (path.startsWith("/v3/")) {
            rest = path.substring("/v3/".length());
        }
        else {
            return Optional.empty();
        }
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        int slash = rest.indexOf('/');
        String token = slash < 0 ? rest : rest.substring(0, slash);
        String tail = slash < 0 ? "" : rest.substring(slash);
        if (token.isEmpty()) {
            return Optional.empty();
        }
        Resource resource = switch (tail) {
            case "" -> Resource.CONTAINER;
            case "/task" -> Resource.TASK;
            case "/stats" -> Resource.CONTAINER_STATS;
            case "/task/stats" -> Resource.TASK_STATS;
            default -> null;
        };
        return resource == null ? Optional.empty() : Optional.of(new MetadataRequest(token, resource));
    }
}
