package io.berth.controlplane.api.query;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * One AWS service spoken with the query protocol on {@code POST /}: requests signed for signingName carry
 * Action and Version (which must be this service's API version) in a form body; answers are in namespace.
 */
public record QueryService(String signingName, String version, String namespace, List<QueryAction> actions)
{
    public QueryService
    {
        requireNonNull(signingName, "signingName is null");
        requireNonNull(version, "version is null");
        requireNonNull(namespace, "namespace is null");
        actions = List.copyOf(actions);
    }

    public Map<String, QueryAction> actionsByName()
    {
        return actions.stream().collect(Collectors.toUnmodifiableMap(QueryAction::name, Function.identity()));
    }
}
