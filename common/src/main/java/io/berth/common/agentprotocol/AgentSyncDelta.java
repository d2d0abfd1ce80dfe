package io.berth.common.agentprotocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An agent's side of a delta sync: turns each full request (every task's report) into one that carries only the reports
 * that changed since the control plane last acknowledged them, names the parts of the last answer it holds, and turns
 * each answer back into a whole one (the parts the control plane left out are those it holds; assignments that came as
 * their changes are applied to those it holds). The rule is that
 * anything unknown goes whole: the first sync, the one after a sync that failed (its answer may have been lost: the
 * control plane may or may not have recorded those reports), one whose answer asks for every report (a replica that
 * has not had them, a host back from being lost), and every {@value #FULL_REPORTS_EVERY}th sync, which bounds what a
 * control plane that lost state without saying so misses. Those above this class see whole requests and answers only.
 * <p>
 * One sync at a time: each {@link #outgoing} is followed by its {@link #incoming} or {@link #lost}.
 */
public final class AgentSyncDelta
{
    /** Every so many syncs (about 5 minutes at the 2 s heartbeat), every task's report goes again. */
    public static final int FULL_REPORTS_EVERY = 150;
    /**
     * What a fetch or a long poll adds to say that this agent takes a plan left out as held save its endpoints' changes
     * ({@link NetworkAnswer#restHeld}).
     */
    public static final String TAKES_REST_AS_HELD = "rest=1";

    /** The reports the control plane has acknowledged, by task id; null: unknown, the next sync reports every task. */
    private Map<String, TaskReport> acknowledged;
    /** The last whole answer, with the versions of its parts; null: none held, the next answer comes whole. */
    private SyncResponse held;
    private int syncsSinceFullReports;
    /** The endpoints list whose version was last worked out, and that version (a list is written whole to digest it). */
    private List<TaskEndpoint> versionedEndpoints;
    private String endpointsVersion;

    /** What to send for this full request (every task's report). */
    public synchronized SyncRequest outgoing(SyncRequest full)
    {
        requireNonNull(full, "full is null");
        if (!full.reportsEveryTask()) {
            throw new IllegalArgumentException("the request to send is made from a full one, not from one that already leaves reports out");
        }
        SyncResponse.PartVersions versions = held == null ? null : held.versions();
        boolean everyReport = acknowledged == null || syncsSinceFullReports + 1 >= FULL_REPORTS_EVERY;
        if (everyReport && versions == null) {
            return full.withHeld(null);
        }
        if (everyReport) {
            return full.withHeld(new HeldState(null, versions.assignments(), versions.network(), versions.ingress(), heldEndpointsVersion(), true, true));
        }
        List<TaskReport> changed = new ArrayList<>();
        for (TaskReport report : full.tasks()) {
            if (!report.equals(acknowledged.get(report.taskId()))) {
                changed.add(report);
            }
        }
        return full.withTasks(changed).withHeld(new HeldState(full.heldTaskIds(),
                versions == null ? null : versions.assignments(),
                versions == null ? null : versions.network(),
                versions == null ? null : versions.ingress(),
                versions == null ? null : heldEndpointsVersion(),
                versions != null,
                versions != null));
    }

    /**
     * The whole answer to sent (made by {@link #outgoing} from full): the parts the control plane left out are filled in
     * from the answer held. An answer that leaves out a part this side does not hold at that version is a broken
     * exchange: everything held is dropped (the next sync is whole) and IllegalStateException says why.
     */
    public synchronized SyncResponse incoming(SyncRequest full, SyncRequest sent, SyncResponse answer)
    {
        requireNonNull(full, "full is null");
        requireNonNull(sent, "sent is null");
        requireNonNull(answer, "answer is null");
        List<TaskAssignment> tasks = answer.tasks();
        NetworkPlan network = answer.network();
        IngressPlan ingress = answer.ingress();
        List<TaskEndpoint> madeFromChanges = null;
        if (answer.endpointChanges() != null) {
            // the network came without its endpoints: made from the list held, which the request named
            NetworkPlan heldNetwork = heldNetwork();
            String named = sent.held() == null ? null : sent.held().endpoints();
            Optional<List<TaskEndpoint>> endpoints = heldNetwork == null || named == null || !named.equals(answer.endpointChanges().base())
                    ? Optional.empty()
                    : answer.endpointChanges().applyTo(heldNetwork.endpoints(), heldEndpointsVersion());
            if (endpoints.isEmpty()) {
                lost();
                throw new IllegalStateException("the control plane sent the network's endpoints as changes from version " + answer.endpointChanges().base()
                        + " that do not make the list at version " + answer.endpointChanges().version() + " from the list this agent holds; the next sync goes whole");
            }
            madeFromChanges = endpoints.get();
            // a network that came without its rest has the rest held (the control plane checked its version)
            network = (answer.networkRestHeld() ? heldNetwork : network).withEndpoints(madeFromChanges);
        }
        if (answer.assignmentChanges() != null) {
            AssignmentChanges changes = answer.assignmentChanges();
            String heldVersion = held == null || held.versions() == null ? null : held.versions().assignments();
            Optional<List<TaskAssignment>> made = held == null || !Objects.equals(answer.versions().assignments(), changes.version())
                    ? Optional.empty()
                    : changes.applyTo(held.tasks(), heldVersion);
            if (made.isEmpty()) {
                lost();
                throw new IllegalStateException("the control plane sent the assignments as changes from version " + changes.base()
                        + " that do not apply to the list this agent holds (version " + heldVersion + "); the next sync goes whole");
            }
            tasks = made.get();
        }
        for (String part : answer.unchanged()) {
            String version = answer.versions().of(part);
            if (held == null || held.versions() == null || !Objects.equals(held.versions().of(part), version)) {
                lost();
                throw new IllegalStateException("the control plane left out the " + part + " part of its answer as held at version " + version
                        + ", but this agent holds " + (held == null || held.versions() == null ? "none" : "version " + held.versions().of(part)) + "; the next sync goes whole");
            }
            switch (part) {
                case SyncResponse.TASKS -> tasks = held.tasks();
                case SyncResponse.NETWORK -> network = held.network();
                case SyncResponse.INGRESS -> ingress = held.ingress();
                default -> throw new IllegalStateException("unknown part " + part);
            }
        }
        SyncResponse whole = new SyncResponse(tasks, network, ingress, answer.controlPlanes(), answer.versions(), List.of(), answer.fullReportsWanted());
        held = answer.versions() == null ? null : whole;
        if (madeFromChanges != null) {
            endpointsMadeFrom(answer.endpointChanges(), network.endpoints());
        }
        if (answer.fullReportsWanted()) {
            acknowledged = null;
        }
        else {
            // the reports not sent were the acknowledged ones: the control plane now has every report of full
            Map<String, TaskReport> now = new HashMap<>();
            full.tasks().forEach(report -> now.put(report.taskId(), report));
            acknowledged = now;
            syncsSinceFullReports = sent.reportsEveryTask() ? 0 : syncsSinceFullReports + 1;
        }
        return whole;
    }

    /** The version of the network part held (the last answer's, or a plan fetched alone since); null when none is held. */
    public synchronized String heldNetworkVersion()
    {
        return held == null || held.versions() == null ? null : held.versions().network();
    }

    /** The network part held, at {@link #heldNetworkVersion}; null when none is held. */
    public synchronized NetworkPlan heldNetwork()
    {
        return held == null ? null : held.network();
    }

    /**
     * The version of the endpoints of the network part held ({@link EndpointChanges#versionOf}), for a fetch that may
     * then carry only how they changed; null when no network part is held.
     */
    public synchronized String heldEndpointsVersion()
    {
        NetworkPlan network = heldNetwork();
        if (network == null) {
            return null;
        }
        if (versionedEndpoints != network.endpoints()) {
            endpointsVersion = EndpointChanges.versionOf(network.endpoints());
            versionedEndpoints = network.endpoints();
        }
        return endpointsVersion;
    }

    /**
     * A network plan fetched alone (see {@link NetworkAnswer}) at version: from now on the network part held, so a sync
     * answer that leaves the network out as held at that version is filled in with it. Nothing is held when no answer is
     * (the next sync goes whole anyway).
     */
    public synchronized void networkFetched(NetworkPlan plan, String version)
    {
        requireNonNull(plan, "plan is null");
        requireNonNull(version, "version is null");
        if (held == null || held.versions() == null) {
            return;
        }
        SyncResponse.PartVersions versions = held.versions();
        held = new SyncResponse(held.tasks(), plan, held.ingress(), held.controlPlanes(),
                new SyncResponse.PartVersions(versions.assignments(), version, versions.ingress()), List.of(), held.fullReportsWanted());
    }

    /**
     * The path of a fetch of the network plan alone: naming the plan's version held, and the version of its endpoints,
     * so that an unchanged plan does not travel and a changed one brings only how its endpoints changed.
     */
    public synchronized String networkFetchPath()
    {
        String held = heldNetworkQuery();
        return held.isEmpty() ? "network" : "network?" + held + "&" + TAKES_REST_AS_HELD;
    }

    /**
     * What a fetch of the network plan names as held ({@code held=VERSION&endpoints=VERSION}), empty when no plan is held:
     * a long poll that asks for the plan with its wake-up names the same.
     */
    public synchronized String heldNetworkQuery()
    {
        String held = heldNetworkVersion();
        return held == null ? "" : heldNetworkQuery(held, heldEndpointsVersion());
    }

    /**
     * How an agent names the network it holds at networkVersion, its endpoints at endpointsVersion; the control plane
     * names a plan's madeFor the same, and the two are compared as strings.
     */
    public static String heldNetworkQuery(String networkVersion, String endpointsVersion)
    {
        return "held=" + networkVersion + "&endpoints=" + endpointsVersion;
    }

    /**
     * The plan a network-only wake-up brought, made for an agent that holds madeFor of the network (as
     * {@link #heldNetworkQuery} names it): taken as a fetch's answer while that is what is held, empty otherwise (a sync
     * since moved it on, and the plan may be older than what it holds: a fetch follows). Called where the syncs are made,
     * never while one is under way.
     */
    public synchronized Optional<NetworkPlan> networkBrought(String madeFor, NetworkAnswer answer)
    {
        requireNonNull(madeFor, "madeFor is null");
        return heldNetworkQuery().equals(madeFor) ? networkFetched(answer) : Optional.empty();
    }

    /**
     * The plan a fetch made with {@link #networkFetchPath} answered, whole (its endpoints made from the list held when it
     * brings their changes), and from now on held; empty when the answer gives none that can be used (no plan for the
     * host, an unchanged plan at another version, changes that do not apply to the list held): the agent syncs then.
     */
    public synchronized Optional<NetworkPlan> networkFetched(NetworkAnswer answer)
    {
        requireNonNull(answer, "answer is null");
        String held = heldNetworkVersion();
        if (answer.unchanged()) {
            return held != null && held.equals(answer.version()) ? Optional.ofNullable(heldNetwork()) : Optional.empty();
        }
        if (answer.version() == null) {
            return Optional.empty();
        }
        NetworkPlan heldPlan = heldNetwork();
        Optional<NetworkPlan> plan = answer.planFrom(heldPlan, heldEndpointsVersion());
        if (plan.isEmpty()) {
            return plan;
        }
        networkFetched(plan.get(), answer.version());
        if (answer.endpointChanges() != null && held != null) {
            endpointsMadeFrom(answer.endpointChanges(), plan.get().endpoints());
        }
        return plan;
    }

    /** endpoints were made from changes and checked against their version: it is not worked out again for the next request. */
    private void endpointsMadeFrom(EndpointChanges changes, List<TaskEndpoint> endpoints)
    {
        versionedEndpoints = endpoints;
        endpointsVersion = changes.version();
    }

    /** The sync failed: its answer, if any, never arrived, so nothing is known to be held; the next sync goes whole. */
    public synchronized void lost()
    {
        acknowledged = null;
        held = null;
        syncsSinceFullReports = 0;
    }
}
