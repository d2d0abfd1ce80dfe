package io.berth.controlplane.scheduler;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * An ECS placement constraint: {@code distinctInstance} (no two tasks of the same group on one host) or
 * {@code memberOf} with a cluster query language expression, parsed when the constraint is made so a bad
 * expression is refused at RunTask.
 */
public record PlacementConstraint(Type type, String expression, HostPredicate predicate)
{
    public enum Type
    {
        DISTINCT_INSTANCE, MEMBER_OF
    }

    public PlacementConstraint
    {
        requireNonNull(type, "type is null");
        if (type == Type.MEMBER_OF) {
            requireNonNull(predicate, "predicate is null");
            requireNonNull(expression, "expression is null");
        }
    }

    public static PlacementConstraint distinctInstance()
    {
        return new PlacementConstraint(Type.DISTINCT_INSTANCE, null, null);
    }

    /** Throws {@link PlacementExpressionException} when the expression does not parse. */
    public static PlacementConstraint memberOf(String expression)
    {
        return new PlacementConstraint(Type.MEMBER_OF, expression, ClusterQueryParser.parse(expression));
    }

    /** From the ECS wire names ("distinctInstance", "memberOf"); throws IllegalArgumentException with a clear message. */
    public static PlacementConstraint of(String type, String expression)
    {
        if (type == null) {
            throw new PlacementExpressionException("placementConstraints type is required: distinctInstance or memberOf.");
        }
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "distinctinstance" -> {
                if (expression != null && !expression.isEmpty()) {
                    throw new PlacementExpressionException("A distinctInstance constraint takes no expression; remove it.");
                }
                yield distinctInstance();
            }
            case "memberof" -> memberOf(expression);
            default -> throw new PlacementExpressionException("Unknown placementConstraints type '" + type + "': use distinctInstance or memberOf.");
        };
    }

    public String wireType()
    {
        return type == Type.DISTINCT_INSTANCE ? "distinctInstance" : "memberOf";
    }
}
