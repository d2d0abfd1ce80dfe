package io.berth.controlplane.agents.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.common.agentprotocol.AgentSyncDelta;
import io.berth.common.agentprotocol.AssignmentChanges;
import io.berth.common.agentprotocol.EndpointChanges;
import io.berth.common.agentprotocol.HeldState;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskAssignment;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The control plane's side of a delta sync's answer: names the version of each part of a whole answer (assignments,
 * network, ingress) and leaves out each part whose version is the one the agent says it holds. A version is a digest of
 * the part's JSON, so it needs no state: every replica, before and after a restart, gives the same content the same
 * version and any change another one, and a version the agent holds that is unknown here simply does not match (the
 * part goes whole).
 * <p>
 * Writing a part to digest it costs what writing it to the wire costs, at every sync of every host, and a host's parts
 * rarely change between two of its syncs (a host holding a hundred tasks wrote and digested a hundred assignments at each
 * heartbeat: measured with a simulated fleet, docs/benchmarks.md). So the assignments last given to each host are kept,
 * each with the digest of its JSON, and an assignment equal to the one kept keeps its digest without being written (equal
 * parts write the same JSON); the list's version is made of the tasks' ids and digests. When the agent names that list
 * as held and takes changes, a list that changed goes as the assignments that changed and the tasks that went
 * ({@link AssignmentChanges}): a task that started costs the answer its own assignment, not its host's fifty. Network
 * plans are kept so without their endpoints (each holds its epoch's list
 * of every endpoint of the cluster, and hosts at different epochs would keep as many lists alive); the endpoints are
 * versioned once per list anyway. A network part that changed goes without its endpoints, with how they changed from the list the agent
 * names as held, when that list is one of the last written here (see {@link SharedEndpointsJson#changesFrom}): a task that
 * started costs the answer its own endpoint, not every address of the cluster; and when the agent holds the rest of the
 * part (peers, egress) as it is and takes it so, the part goes as those changes alone.
 */
final class SyncAnswerParts
{
    /** 128 bits of SHA-256: enough that two contents never share a version by chance. */
    private static final int VERSION_BYTES = 16;
    /** Hosts whose last versions are kept at most; past it the memo starts afresh (a version is then made again). */
    private static final int MAX_HOSTS = 100_000;

    private final ObjectMapper mapper;
    private final SharedEndpointsJson endpoints;
    /** The assignments last answered to each host, each with its digest (see {@link #assignmentsVersion}). */
    private final ConcurrentMap<String, HostAssignments> lastAssignments = new ConcurrentHashMap<>();
    /** The last network part each host was given, without its endpoints (a host's peers and egress), and its version. */
    private final ConcurrentMap<String, Versioned> lastNetworks = new ConcurrentHashMap<>();
    /** What each host holds of its network once it took the last plan answered to it here, as its agent names it. */
    private final ConcurrentMap<String, String> networksGiven = new ConcurrentHashMap<>();

    /** A part and the version made of it. */
    private record Versioned(Object part, String version) {}

    /** A host's assignments in the order answered, each with its digest by task id, and the list's version. */
    private record HostAssignments(List<TaskAssignment> list, Map<String, Digested> byTask, String version)
    {
        /** Whether each task appears once: changes by task id describe only such a list. */
        boolean tasksDistinct()
        {
            return byTask.size() == list.size();
        }
    }

    /** An assignment and the digest of its JSON. */
    private record Digested(TaskAssignment assignment, byte[] digest) {}

    SyncAnswerParts(ObjectMapper mapper)
    {
        this(mapper, new SharedEndpointsJson(mapper));
    }

    /** endpoints: the JSON of the plans' endpoints, shared with what writes the answers. */
    SyncAnswerParts(ObjectMapper mapper, SharedEndpointsJson endpoints)
    {
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.endpoints = requireNonNull(endpoints, "endpoints is null");
    }

    /** The answer to send for whole to an agent that holds held (null: nothing, every part goes whole). */
    SyncResponse answer(SyncResponse whole, HeldState held)
    {
        return answer(null, whole, held);
    }

    /**
     * As {@link #answer(SyncResponse, HeldState)}, for hostId: assignments equal to those last given to it keep their
     * digests, and when its agent holds that list and takes changes, the assignments that changed go alone.
     */
    SyncResponse answer(String hostId, SyncResponse whole, HeldState held)
    {
        HostAssignments before = hostId == null ? null : lastAssignments.get(hostId);
        HostAssignments assignments = assignments(hostId, before, whole.tasks());
        SyncResponse.PartVersions versions = new SyncResponse.PartVersions(
                assignments.version(),
                networkVersion(hostId, whole.network()),
                version(whole.ingress()));
        networkGiven(hostId, versions.network(), whole.network());
        if (held == null) {
            return whole.withParts(whole.tasks(), whole.network(), whole.ingress(), versions, List.of());
        }
        List<String> unchanged = new ArrayList<>();
        boolean tasksHeld = Objects.equals(held.assignments(), versions.assignments());
        boolean networkHeld = Objects.equals(held.network(), versions.network());
        boolean ingressHeld = Objects.equals(held.ingress(), versions.ingress());
        if (tasksHeld) {
            unchanged.add(SyncResponse.TASKS);
        }
        if (networkHeld) {
            unchanged.add(SyncResponse.NETWORK);
        }
        if (ingressHeld) {
            unchanged.add(SyncResponse.INGRESS);
        }
        SyncResponse answer = whole.withParts(tasksHeld ? null : whole.tasks(), networkHeld ? null : whole.network(), ingressHeld ? null : whole.ingress(), versions, unchanged);
        // changed assignments go alone when the agent holds the list last answered here and takes them so
        if (!tasksHeld && held.assignmentChanges() && before != null && before.version().equals(held.assignments())
                && before.tasksDistinct() && assignments.tasksDistinct()) {
            answer = answer.withAssignmentChanges(changes(before, assignments));
        }
        if (networkHeld || whole.network() == null || held.endpoints() == null) {
            return answer;
        }
        SyncResponse networkWhole = answer;
        return endpointChanges(hostId, whole.network(), held.network(), held.endpoints(), held.takesRestAsHeld())
                .map(delta -> delta.restHeld()
                        ? networkWhole.withNetworkRestHeld(delta.changes())
                        : networkWhole.withEndpointChanges(whole.network().withEndpoints(List.of()), delta.changes()))
                .orElse(answer);
    }

    /** How a host's network changed for its agent: the endpoints' changes, and whether the rest of the plan goes as held. */
    record NetworkDelta(EndpointChanges changes, boolean restHeld) {}

    /**
     * A network that changed goes as its endpoints' changes when the agent holds (at heldEndpoints) one of the last lists
     * written here; and without the rest (the host's peers, a hundred in a fleet of a hundred hosts) when the agent takes
     * it so (restTaken) and holds (at heldVersion) the rest as it is. Empty: the plan goes whole. For syncs and for plans
     * sent alone alike.
     */
    Optional<NetworkDelta> endpointChanges(String hostId, NetworkPlan plan, String heldVersion, String heldEndpoints, boolean restTaken)
    {
        if (plan == null || heldEndpoints == null || heldEndpoints.isEmpty()) {
            return Optional.empty();
        }
        return endpoints.changesFrom(heldEndpoints, plan.endpoints())
                .map(changes -> new NetworkDelta(changes, restTaken && heldVersion != null && holdsRestOf(hostId, plan, heldVersion, heldEndpoints)));
    }

    /**
     * tasks with their digests and version: a task's digest is kept from before while its assignment is equal to the one
     * before (the same JSON), so a sync writes only the assignments that changed to digest them. The result is kept for
     * hostId (when there is one) as what it was last answered.
     */
    private HostAssignments assignments(String hostId, HostAssignments before, List<TaskAssignment> tasks)
    {
        if (before != null && sameInstances(before.list(), tasks)) {
            // the gateway gives a started task's assignment as the same instance while it is unchanged (a quiet host's
            // every heartbeat): nothing to compare or digest
            return before;
        }
        Map<String, Digested> byTask = new HashMap<>();
        boolean same = before != null && before.tasksDistinct() && before.list().size() == tasks.size();
        for (TaskAssignment assignment : tasks) {
            Digested kept = before == null ? null : before.byTask().get(assignment.taskId());
            boolean equal = kept != null && (kept.assignment() == assignment || kept.assignment().equals(assignment));
            same &= equal;
            byTask.put(assignment.taskId(), equal ? kept : new Digested(assignment, digest(assignment)));
        }
        if (same && byTask.size() == tasks.size()) {
            return before;
        }
        HostAssignments made = new HostAssignments(List.copyOf(tasks), Map.copyOf(byTask), assignmentsVersion(tasks, byTask));
        if (hostId != null) {
            if (lastAssignments.size() >= MAX_HOSTS) {
                lastAssignments.clear();
            }
            lastAssignments.put(hostId, made);
        }
        return made;
    }

    private static boolean sameInstances(List<TaskAssignment> before, List<TaskAssignment> now)
    {
        if (before.size() != now.size()) {
            return false;
        }
        for (int i = 0; i < now.size(); i++) {
            if (before.get(i) != now.get(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The version of a host's assignments: the digest of each task's id and its assignment's digest, in the order of the
     * task ids, so it does not depend on the order of the list (an agent that applies changes keeps its own order) and
     * costs a few bytes per task, not the whole list's JSON.
     */
    private static String assignmentsVersion(List<TaskAssignment> tasks, Map<String, Digested> byTask)
    {
        MessageDigest digest = sha256();
        tasks.stream().map(TaskAssignment::taskId).sorted().forEach(taskId -> {
            digest.update(taskId.getBytes(StandardCharsets.UTF_8));
            // a task id holds no newline: an id cannot run into the digest after it
            digest.update((byte) '\n');
            digest.update(byTask.get(taskId).digest());
        });
        return encoded(digest.digest());
    }

    /** How the assignments changed from before to now, by their digests. */
    private static AssignmentChanges changes(HostAssignments before, HostAssignments now)
    {
        List<TaskAssignment> changed = new ArrayList<>();
        for (TaskAssignment assignment : now.list()) {
            Digested was = before.byTask().get(assignment.taskId());
            if (was == null || !Arrays.equals(was.digest(), now.byTask().get(assignment.taskId()).digest())) {
                changed.add(assignment);
            }
        }
        List<String> removed = before.list().stream().map(TaskAssignment::taskId).filter(taskId -> !now.byTask().containsKey(taskId)).toList();
        return new AssignmentChanges(before.version(), now.version(), changed, removed);
    }

    private byte[] digest(TaskAssignment assignment)
    {
        MessageDigest digest = sha256();
        digestJson(digest, assignment);
        return digest.digest();
    }

    /**
     * Notes that hostId was answered its network plan at version (null: none): once its agent takes the answer, it
     * names what it holds as {@link #networkGiven(String)} says.
     */
    void networkGiven(String hostId, String version, NetworkPlan plan)
    {
        if (hostId == null) {
            return;
        }
        if (plan == null) {
            networksGiven.remove(hostId);
            return;
        }
        if (networksGiven.size() >= MAX_HOSTS) {
            networksGiven.clear();
        }
        networksGiven.put(hostId, AgentSyncDelta.heldNetworkQuery(version, endpoints.version(plan.endpoints())));
    }

    /**
     * What hostId holds of its network if its agent took the last plan answered to it here ({@code held=VERSION&endpoints=VERSION},
     * as the agent names it), empty when none was: a plan sent unasked is made for that, and taken only when it is so.
     */
    Optional<String> networkGiven(String hostId)
    {
        return Optional.ofNullable(networksGiven.get(hostId));
    }

    /** The digest of the part's JSON as it goes on the wire (a missing part is JSON null), base64url. */
    String version(Object part)
    {
        MessageDigest digest = sha256();
        digestJson(digest, part);
        return encoded(digest.digest());
    }

    /** The version kept for hostId's part when part equals the part it was made of; else a new one, kept from now on. */
    private static String remembered(ConcurrentMap<String, Versioned> last, String hostId, Object part, Supplier<String> version)
    {
        if (hostId == null || part == null) {
            return version.get();
        }
        Versioned kept = last.get(hostId);
        if (kept != null && kept.part().equals(part)) {
            return kept.version();
        }
        String made = version.get();
        if (last.size() >= MAX_HOSTS) {
            last.clear();
        }
        last.put(hostId, new Versioned(part, made));
        return made;
    }

    /**
     * The network part's version: the digest of the version of the part without its endpoints and the endpoints'
     * version. The endpoints are every task address of the cluster, the one part of a plan that grows with the fleet, and
     * every plan of a network epoch shares one list of them (see the control plane's ClusterNetwork): that list is
     * versioned once, from the one before, not at every host's sync (see {@link SharedEndpointsJson}). The rest (the
     * host's peers, a hundred in a fleet of a hundred hosts, and egress) rarely changes: its version is kept per host as
     * the assignments' is.
     */
    String networkVersion(String hostId, NetworkPlan plan)
    {
        if (plan == null) {
            return version(null);
        }
        return networkVersion(restVersion(hostId, plan), endpoints.version(plan.endpoints()));
    }

    /**
     * Whether an agent that holds hostId's network at heldVersion, its endpoints at heldEndpointsVersion, holds the rest of
     * plan (its peers and egress) as it is: then the version of plan's rest with the endpoints held is the one held.
     */
    boolean holdsRestOf(String hostId, NetworkPlan plan, String heldVersion, String heldEndpointsVersion)
    {
        return plan != null && !heldVersion.isEmpty() && !heldEndpointsVersion.isEmpty()
                && networkVersion(restVersion(hostId, plan), heldEndpointsVersion).equals(heldVersion);
    }

    /** The version of plan without its endpoints, kept for hostId while that part stays equal. */
    private String restVersion(String hostId, NetworkPlan plan)
    {
        NetworkPlan withoutEndpoints = plan.withEndpoints(List.of());
        return remembered(lastNetworks, hostId, withoutEndpoints, () -> version(withoutEndpoints));
    }

    private static String networkVersion(String restVersion, String endpointsVersion)
    {
        MessageDigest digest = sha256();
        digest.update(restVersion.getBytes(StandardCharsets.US_ASCII));
        digest.update(endpointsVersion.getBytes(StandardCharsets.US_ASCII));
        return encoded(digest.digest());
    }

    /** As {@link #networkVersion(String, NetworkPlan)}, for no host in particular (nothing kept). */
    String networkVersion(NetworkPlan plan)
    {
        return networkVersion(null, plan);
    }

    private void digestJson(MessageDigest digest, Object value)
    {
        // streamed into the digest: no copy of a large plan is made to be hashed
        try (OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            mapper.writeValue(sink, value);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot encode a sync answer's part to version it", e);
        }
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

    private static String encoded(byte[] full)
    {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(full, VERSION_BYTES));
    }
}
