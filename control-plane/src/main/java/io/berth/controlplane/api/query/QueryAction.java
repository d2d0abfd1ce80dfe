package io.berth.controlplane.api.query;

import io.berth.controlplane.api.RequestContext;

import java.util.Set;
import java.util.function.BiFunction;

import static java.util.Objects.requireNonNull;

/**
 * One query protocol action: the parameters it takes (any other is refused by name before anything happens) and a
 * handler that returns the children of its {@code <ActionResult>}.
 */
public record QueryAction(String name, Set<String> parameters, BiFunction<RequestContext, QueryArguments, XmlElement> handler)
{
    public QueryAction
    {
        requireNonNull(name, "name is null");
        parameters = Set.copyOf(parameters);
        requireNonNull(handler, "handler is null");
    }

    /** The {@code <NameResponse>} document: the handler's result as {@code <NameResult>}, and the request id. */
    public XmlElement handle(RequestContext context, QueryArguments arguments)
    {
        arguments.requireOnly(parameters, name);
        XmlElement result = handler.apply(context, arguments);
        return XmlElement.of(name + "Response")
                .add(result)
                .add(XmlElement.of("ResponseMetadata").add("RequestId", context.requestId()));
    }

    /** The element handlers return: {@code <NameResult>}. */
    public static XmlElement result(String actionName)
    {
        return XmlElement.of(actionName + "Result");
    }
}
