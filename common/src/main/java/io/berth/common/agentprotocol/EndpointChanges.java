package io.berth.common.agentprotocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.berth.common.json.Json;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * How a network plan's endpoints (every task address of the cluster, the one part of a plan that grows with the fleet)
 * changed from a list the agent holds to the one the plan now has: what went away and what came, so a plan fetched
 * after a task started or stopped carries that task's endpoint and not the whole list again. Each list is named by
 * its version, a digest of its JSON, which both sides work out alike; applied to the list at base, the changes give
 * the list at version, which the agent checks before it keeps it.
 *
 * @param base the version of the list the changes apply to
 * @param version the version of the list they give
 * @param removed endpoints of base that are not in the list at version, one entry for each occurrence that went
 * @param added endpoints of the list at version that are not in base
 */
public record EndpointChanges(String base, String version, List<TaskEndpoint> removed, List<TaskEndpoint> added)
{
    /** The order of a plan's endpoints: by address, then account. Every list of endpoints is sorted so. */
    public static final Comparator<TaskEndpoint> ORDER = Comparator.comparing(TaskEndpoint::ipv4Address).thenComparing(TaskEndpoint::accountId);
    /** 128 bits of SHA-256: enough that two lists never share a version by chance. */
    private static final int VERSION_BYTES = 16;

    public EndpointChanges
    {
        requireNonNull(base, "base is null");
        requireNonNull(version, "version is null");
        removed = removed == null ? List.of() : List.copyOf(removed);
        added = added == null ? List.of() : List.copyOf(added);
    }

    /** The changes from before to after, both sorted in {@link #ORDER}, at their versions. */
    public static EndpointChanges between(String base, List<TaskEndpoint> before, String version, List<TaskEndpoint> after)
    {
        List<TaskEndpoint> removed = new ArrayList<>();
        List<TaskEndpoint> added = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < before.size() || j < after.size()) {
            int order = i == before.size() ? 1 : j == after.size() ? -1 : ORDER.compare(before.get(i), after.get(j));
            if (order < 0) {
                removed.add(before.get(i++));
            }
            else if (order > 0) {
                added.add(after.get(j++));
            }
            else {
                i++;
                j++;
            }
        }
        return new EndpointChanges(base, version, removed, added);
    }

    /**
     * The list at {@link #version} made from held, the list at {@link #base}; empty when held does not take these
     * changes (it is not the list at base: an endpoint to remove is not in it) or the result is not the list at version
     * (its digest differs), in which case the caller asks for the whole plan.
     */
    public Optional<List<TaskEndpoint>> applyTo(List<TaskEndpoint> held)
    {
        List<TaskEndpoint> changed = new ArrayList<>(held);
        for (TaskEndpoint gone : removed) {
            if (!removeSorted(changed, gone)) {
                return Optional.empty();
            }
        }
        added.forEach(came -> insertSorted(changed, came));
        List<TaskEndpoint> result = List.copyOf(changed);
        return versionOf(result).equals(version) ? Optional.of(result) : Optional.empty();
    }

    /** Removes one occurrence of endpoint from a list sorted in {@link #ORDER}; false when it holds none. */
    public static boolean removeSorted(List<TaskEndpoint> sorted, TaskEndpoint endpoint)
    {
        int at = Collections.binarySearch(sorted, endpoint, ORDER);
        if (at < 0) {
            return false;
        }
        sorted.remove(at);
        return true;
    }

    /** Inserts endpoint into a list sorted in {@link #ORDER}, where the order puts it. */
    public static void insertSorted(List<TaskEndpoint> sorted, TaskEndpoint endpoint)
    {
        int at = Collections.binarySearch(sorted, endpoint, ORDER);
        sorted.add(at >= 0 ? at : -at - 1, endpoint);
    }

    /** The version of a list of endpoints: the digest of its JSON as the agent protocol writes it. */
    public static String versionOf(List<TaskEndpoint> endpoints)
    {
        try {
            return versionOfJson(Json.mapper().writeValueAsBytes(endpoints));
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a list of task endpoints", e);
        }
    }

    /** The version of a list of endpoints from its JSON (UTF-8), as {@link #versionOf} writes it. */
    public static String versionOfJson(byte[] json)
    {
        try {
            return versionOfDigest(MessageDigest.getInstance("SHA-256").digest(json));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** The version of a list of endpoints from the SHA-256 digest of its JSON. */
    public static String versionOfDigest(byte[] sha256)
    {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(sha256, VERSION_BYTES));
    }
}
