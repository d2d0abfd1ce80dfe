package io.berth.controlplane.taskdefinitions;

import io.berth.controlplane.resources.InvalidRequestException;

import java.util.Map;
import java.util.Optional;

/**
 * The task's writable storage, in GiB: every container's writable layer of the task together gets this much
 * and no more (the agent gives the task a filesystem of this size). As on Fargate, a task definition or a RunTask
 * override may ask for 21 to 200 GiB; without one the task gets 20 GiB.
 */
public record EphemeralStorage(int sizeInGiB)
{
    public static final int DEFAULT_GIB = 20;
    public static final int MINIMUM_GIB = 21;
    public static final int MAXIMUM_GIB = 200;
    public static final EphemeralStorage DEFAULT = new EphemeralStorage(DEFAULT_GIB);

    public EphemeralStorage
    {
        if (sizeInGiB < DEFAULT_GIB || sizeInGiB > MAXIMUM_GIB) {
            throw new IllegalArgumentException("sizeInGiB must be from " + DEFAULT_GIB + " to " + MAXIMUM_GIB + ": " + sizeInGiB);
        }
    }

    /**
     * The field as the request gave it, a plain JSON value (a Map for an object; null when absent), checked as
     * Fargate checks it: an object with only sizeInGiB, a whole number from 21 to 200. field names it in messages
     * ("ephemeralStorage", "overrides.ephemeralStorage").
     */
    public static Optional<EphemeralStorage> parse(Object value, String field)
    {
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Map<?, ?> object)) {
            throw InvalidRequestException.refused("Invalid '" + field + "': it must be an object such as {\"sizeInGiB\": 21}.");
        }
        for (Object key : object.keySet()) {
            if (!"sizeInGiB".equals(key)) {
                throw InvalidRequestException.refused("Invalid '" + field + "': unknown field '" + field + "." + key + "'; the only field is sizeInGiB.");
            }
        }
        Object size = object.get("sizeInGiB");
        if (size == null) {
            throw InvalidRequestException.refused("Invalid '" + field + "': '" + field + ".sizeInGiB' is required.");
        }
        Long gib = ContainerLinuxRules.integer(size);
        if (gib == null || gib < MINIMUM_GIB || gib > MAXIMUM_GIB) {
            throw InvalidRequestException.refused("Invalid '" + field + ".sizeInGiB' " + size + ": Fargate supports a whole number of GiB from "
                    + MINIMUM_GIB + " to " + MAXIMUM_GIB + "; omit " + field + " for the default " + DEFAULT_GIB + " GiB.");
        }
        return Optional.of(new EphemeralStorage(gib.intValue()));
    }
}
