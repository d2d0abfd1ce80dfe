package io.berth.common.agentprotocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
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
 * its version ({@link #versionOf}), which both sides work out alike; applied to the list at base, the changes give the
 * list at version, which the agent checks before it keeps it. A version follows from the one before and the changes
 * alone ({@link #versionAfter}), so neither side digests the whole list each time a task starts or stops.
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
    /** 128 bits: enough that two lists never share a version by chance. */
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
            if (i < before.size() && j < after.size() && before.get(i) == after.get(j)) {
                // lists made one from the other share their endpoints: most of a merge is a comparison of references
                i++;
                j++;
                continue;
            }
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
     * The list at {@link #version} made from held, a list at heldVersion (worked out by {@link #versionOf} when it came
     * whole, or taken from the changes that made it); empty when held is not the list at {@link #base}, does not take
     * these changes (an endpoint to remove is not in it) or they do not make the list at version (the version they lead to
     * from base differs), in which case the caller asks for the whole plan.
     */
    public Optional<List<TaskEndpoint>> applyTo(List<TaskEndpoint> held, String heldVersion)
    {
        if (!base.equals(heldVersion)) {
            return Optional.empty();
        }
        List<TaskEndpoint> changed = new ArrayList<>(held);
        for (TaskEndpoint gone : removed) {
            if (!removeSorted(changed, gone)) {
                return Optional.empty();
            }
        }
        added.forEach(came -> insertSorted(changed, came));
        return versionAfter(base, removed, added).equals(version) ? Optional.of(List.copyOf(changed)) : Optional.empty();
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

    /**
     * The version of a list of endpoints: the sum, modulo 2^128, of each endpoint's hash (the first 128 bits of the SHA-256
     * of its address and account), base64url. A sum, so that the version of a list a few endpoints changed follows from
     * the version before in as many steps ({@link #versionAfter}); the order of the list does not count, its repeats do.
     */
    public static String versionOf(List<TaskEndpoint> endpoints)
    {
        Sum sum = new Sum(0, 0);
        MessageDigest sha256 = sha256();
        for (TaskEndpoint endpoint : endpoints) {
            sum = sum.plus(hash(sha256, endpoint));
        }
        return sum.encoded();
    }

    /** The version of the list at version once removed went from it and added came: O(changes), not O(list). */
    public static String versionAfter(String version, List<TaskEndpoint> removed, List<TaskEndpoint> added)
    {
        Optional<Sum> decoded = Sum.decoded(version);
        if (decoded.isEmpty()) {
            // not a version made here (another build's, or garbage): it leads to no version made here either
            return "";
        }
        Sum sum = decoded.get();
        MessageDigest sha256 = sha256();
        for (TaskEndpoint gone : removed) {
            sum = sum.plus(hash(sha256, gone).negated());
        }
        for (TaskEndpoint came : added) {
            sum = sum.plus(hash(sha256, came));
        }
        return sum.encoded();
    }

    private static Sum hash(MessageDigest sha256, TaskEndpoint endpoint)
    {
        // an address holds no newline: the two fields cannot run into each other
        byte[] digest = sha256.digest((endpoint.ipv4Address() + "\n" + endpoint.accountId()).getBytes(StandardCharsets.UTF_8));
        ByteBuffer bytes = ByteBuffer.wrap(digest);
        return new Sum(bytes.getLong(), bytes.getLong());
    }

    private static MessageDigest sha256()
    {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** A number modulo 2^128 as its high and low 64 bits. */
    private record Sum(long high, long low)
    {
        Sum plus(Sum other)
        {
            long sumLow = low + other.low;
            long carry = Long.compareUnsigned(sumLow, low) < 0 ? 1 : 0;
            return new Sum(high + other.high + carry, sumLow);
        }

        Sum negated()
        {
            return new Sum(~high, ~low).plus(new Sum(0, 1));
        }

        String encoded()
        {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(ByteBuffer.allocate(VERSION_BYTES).putLong(high).putLong(low).array());
        }

        static Optional<Sum> decoded(String version)
        {
            byte[] bytes;
            try {
                bytes = Base64.getUrlDecoder().decode(version);
            }
            catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            if (bytes.length != VERSION_BYTES) {
                return Optional.empty();
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            return Optional.of(new Sum(buffer.getLong(), buffer.getLong()));
        }
    }
}
