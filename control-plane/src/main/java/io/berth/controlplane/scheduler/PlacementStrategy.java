package io.berth.controlplane.scheduler;

import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * An ECS placement strategy: binpack on {@code cpu} or {@code memory} (fewest units left over), spread on
 * {@code instanceId} (or {@code host}) or on {@code attribute:NAME} (fewest tasks of the same group), or random.
 * A task's strategies apply in order, each later one breaking the ties of the ones before.
 */
public record PlacementStrategy(Type type, String field)
{
    public static final String AVAILABILITY_ZONE = "ecs.availability-zone";
    public static final String INSTANCE_ID = "instanceId";

    /**
     * Berth's default when RunTask names no strategy: spread over availability zones, as Fargate does, then
     * binpack on memory inside a zone, which keeps whole hosts free for large tasks.
     */
    public static final List<PlacementStrategy> DEFAULT = List.of(spread("attribute:" + AVAILABILITY_ZONE), binpack("memory"));

    public enum Type
    {
        BINPACK, SPREAD, RANDOM
    }

    public PlacementStrategy
    {
        requireNonNull(type, "type is null");
        switch (type) {
            case BINPACK -> {
                if (!"cpu".equals(field) && !"memory".equals(field)) {
                    throw new IllegalArgumentException("binpack needs field cpu or memory, got " + (field == null ? "none" : "'" + field + "'") + ".");
                }
            }
            case SPREAD -> {
                if (field == null || field.isEmpty()) {
                    throw new IllegalArgumentException("spread needs a field: instanceId or attribute:NAME (e.g. attribute:ecs.availability-zone).");
                }
                if ("host".equals(field)) {
                    field = INSTANCE_ID;
                }
                if (!field.equals(INSTANCE_ID) && (!field.startsWith("attribute:") || field.length() == "attribute:".length())) {
                    throw new IllegalArgumentException("spread field must be instanceId or attribute:NAME, got '" + field + "'.");
                }
            }
            case RANDOM -> field = null;
        }
    }

    public static PlacementStrategy binpack(String field)
    {
        return new PlacementStrategy(Type.BINPACK, field);
    }

    public static PlacementStrategy spread(String field)
    {
        return new PlacementStrategy(Type.SPREAD, field);
    }

    public static PlacementStrategy random()
    {
        return new PlacementStrategy(Type.RANDOM, null);
    }

    /** From the ECS wire names ("binpack", "spread", "random"); throws IllegalArgumentException with a clear message. */
    public static PlacementStrategy of(String type, String field)
    {
        if (type == null) {
            throw new IllegalArgumentException("placementStrategy type is required: binpack, spread or random.");
        }
        Type parsed = switch (type.toLowerCase(Locale.ROOT)) {
            case "binpack" -> Type.BINPACK;
            case "spread" -> Type.SPREAD;
            case "random" -> Type.RANDOM;
            default -> throw new IllegalArgumentException("Unknown placementStrategy type '" + type + "': use binpack, spread or random.");
        };
        return new PlacementStrategy(parsed, field);
    }

    /** The attribute a spread strategy counts by, or null for spread on instanceId (and the other types). */
    public String attributeName()
    {
        return type == Type.SPREAD && field.startsWith("attribute:") ? field.substring("attribute:".length()) : null;
    }

    public String wireType()
    {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
