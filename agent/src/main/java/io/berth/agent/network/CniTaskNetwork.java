package io.berth.agent.network;

import io.berth.agent.network.FirewallRules.LocalTask;
import io.berth.agent.network.TaskNetworkStates.TaskNetworkState;
import io.berth.agent.network.WarmNamespacePool.WarmNamespace;
import io.berth.agent.process.TaskTransitions;
import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.common.network.Ipv4Cidr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A network namespace per task on this host's slice of the cluster's task network, joined to the host's bridge by a
 * veth and an address ({@link BridgePorts}: made in this process, or by the CNI bridge and host-local plugins under a
 * command prefix); links to the other hosts
 * ({@link HostLinks}) and the tenant firewall ({@link TenantFirewall}) follow the control plane's plan. There is no NAT: traffic between tasks keeps
 * its addresses, and the firewall masquerades only what leaves the task network. Each task's state file
 * ({@link TaskNetworkStates}) exists before anything is made for it and goes only after everything is released,
 * so a crash at any step is finished by the next tear-down or the agent's orphan cleanup. A few namespaces may be made
 * ahead of need ({@link WarmNamespacePool}): a task then takes one, with its own state file written before the warm
 * one's is removed, and the agent's start removes the warm ones an earlier agent left.
 *
 * <p>Locks: one per task (its set-up and tear-down never overlap), one for applying plans and removing the host's
 * network; the firewall serializes its own renders. No lock is held across another task's port making.
 */
public final class CniTaskNetwork
        implements TaskNetwork
{
    private static final Logger log = LoggerFactory.getLogger(CniTaskNetwork.class);
    private static final String INTERFACE = CniBridgeConfigs.INTERFACE;
    private static final String NO_ACCOUNT = "-";
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    /**
     * How long a released task's veth stays cut off at most, where the machine's /sys/class/net cannot tell whether it is
     * gone (commands run in another network namespace, as in tests); otherwise until the kernel has removed it.
     */
    private static final Duration RELEASED_PORT_KEPT = Duration.ofMinutes(10);
    /** With a sync every 2 s, a repair about every 30 s. */
    private static final int REPAIR_EVERY = 15;
    /** How long a changed plan may leave the bridge and links unchecked: a host whose plans change often repairs them this often. */
    private static final Duration LAYOUT_CHECK_INTERVAL = Duration.ofSeconds(30);
    /** How long making or giving back one task's veth and address may take (a plugin's call, or the kernel's steps). */
    static final Duration PORT_DEADLINE = CniPlugins.TIMEOUT;

    private final CniNetworkConfig config;
    private final BridgePorts ports;
    private final CniBridgeConfigs bridgeConfigs;
    private final NetworkCommands commands;
    private final NetworkCommands machineCommands;
    private final NetworkNamespaces namespaces;
    private final TaskNetworkStates states;
    /** The state files of warm namespaces, under their own ids: never mistaken for a task's by the orphan cleanup. */
    private final TaskNetworkStates warmStates;
    private final WarmNamespacePool warmPool;
    private final NetworkPlanStore planStore;
    private final HostBridge bridge;
    private final HostLinks links;
    private final TenantFirewall firewall;
    private final ReentrantLock planLock = new ReentrantLock();
    private final ConcurrentHashMap<String, ReentrantLock> taskLocks = new ConcurrentHashMap<>();
    /** Tasks whose network is being released: the firewall is rendered without them while their state file stays. */
    private final Set<String> leaving = ConcurrentHashMap.newKeySet();
    /**
     * The host-side veths of released tasks, by when they were released: the firewall passes nothing to or from them
     * (as from a warm namespace's) while they may still exist, for the address they held may be another task's by now.
     */
    private final ConcurrentHashMap<String, Long> releasedPorts = new ConcurrentHashMap<>();
    private volatile NetworkPlan plan;
    private volatile int taskMtu;
    private volatile int metadataPort;
    private volatile String applyFailure;
    private int unchangedApplies;
    /** System.nanoTime() of the last look at the bridge and links; guarded by planLock. */
    private long layoutCheckedAt;

    public CniTaskNetwork(CniNetworkConfig config)
    {
        this(config, 0);
    }

    /** warmNamespaces: how many task network namespaces to keep made ahead of need, once the agent started ({@link #restore()}). */
    public CniTaskNetwork(CniNetworkConfig config, int warmNamespaces)
    {
        this(config, new NetworkCommands(), new NetworkCommands(), warmNamespaces);
    }

    /** commands: how host commands run; tests pass one that runs them in a namespace standing for another host. */
    CniTaskNetwork(CniNetworkConfig config, NetworkCommands commands)
    {
        this(config, commands, new NetworkCommands());
    }

    /** machineCommands: what enters the tasks' named namespaces (`ip netns`); fault-injection tests wrap it. */
    CniTaskNetwork(CniNetworkConfig config, NetworkCommands commands, NetworkCommands machineCommands)
    {
        this(config, commands, machineCommands, 0);
    }

    /**
     * portDeadline: how long making or removing one task's veth and address may take before the task's set-up fails
     * (60 s in the agent); fault-injection tests shorten it.
     */
    public CniTaskNetwork(CniNetworkConfig config, int warmNamespaces, Duration portDeadline)
    {
        this(config, new NetworkCommands(), new NetworkCommands(), warmNamespaces, portDeadline);
    }

    /**
     * A network whose tasks' veths and addresses the CNI bridge and host-local plugins make, each call killed at
     * pluginDeadline, as an agent under a command prefix does; fault-injection tests put a plugin of their own in
     * the config's plugin directory.
     */
    public static CniTaskNetwork throughPlugins(CniNetworkConfig config, int warmNamespaces, Duration pluginDeadline)
    {
        NetworkCommands commands = new NetworkCommands();
        return new CniTaskNetwork(config, commands, new NetworkCommands(), warmNamespaces,
                new PluginBridgePorts(new CniPlugins(config.pluginDirectory(), commands.prefix(), pluginDeadline), new CniBridgeConfigs(config)), null);
    }

    /** transitions: the host's tasks starting or stopping, which the making of warm namespaces waits for (as the agent runs it). */
    public CniTaskNetwork(CniNetworkConfig config, int warmNamespaces, TaskTransitions transitions)
    {
        this(config, new NetworkCommands(), new NetworkCommands(), warmNamespaces, PORT_DEADLINE, requireNonNull(transitions, "transitions is null"));
    }

    CniTaskNetwork(CniNetworkConfig config, NetworkCommands commands, NetworkCommands machineCommands, int warmNamespaces)
    {
        this(config, commands, machineCommands, warmNamespaces, PORT_DEADLINE);
    }

    private CniTaskNetwork(CniNetworkConfig config, NetworkCommands commands, NetworkCommands machineCommands, int warmNamespaces, Duration portDeadline)
    {
        this(config, commands, machineCommands, warmNamespaces, portDeadline, null);
    }

    private CniTaskNetwork(CniNetworkConfig config, NetworkCommands commands, NetworkCommands machineCommands, int warmNamespaces, Duration portDeadline,
            TaskTransitions transitions)
    {
        this(config, commands, machineCommands, warmNamespaces,
                // the ports are made in this process when its namespace is the host's; a test's host under a command
                // prefix lives in another, which the plugins (run under that prefix) reach
                commands.prefix().isEmpty()
                        ? new KernelBridgePorts(config, portDeadline)
                        : new PluginBridgePorts(new CniPlugins(config.pluginDirectory(), commands.prefix(), portDeadline), new CniBridgeConfigs(config)),
                transitions);
    }

    private CniTaskNetwork(CniNetworkConfig config, NetworkCommands commands, NetworkCommands machineCommands, int warmNamespaces, BridgePorts ports,
            TaskTransitions transitions)
    {
        this.config = requireNonNull(config, "config is null");
        this.ports = requireNonNull(ports, "ports is null");
        this.bridgeConfigs = new CniBridgeConfigs(config);
        this.commands = requireNonNull(commands, "commands is null");
        // named namespaces belong to the machine (their bind mounts under /run/netns), not to a network namespace
        this.machineCommands = requireNonNull(machineCommands, "machineCommands is null");
        this.namespaces = new NetworkNamespaces(machineCommands);
        this.states = new TaskNetworkStates(config.stateDirectory().resolve("tasks"));
        this.warmStates = new TaskNetworkStates(config.stateDirectory().resolve("warm"));
        this.warmPool = new WarmNamespacePool(warmNamespaces, new WarmMaker(), transitions);
        this.planStore = new NetworkPlanStore(config.stateDirectory());
        this.bridge = new HostBridge(config.bridgeName(), commands);
        this.links = new VxlanHostLinks(config.bridgeName(), config.underlayAddress(), commands);
        this.firewall = new TenantFirewall(config.bridgeName(), commands);
    }

    public CniNetworkConfig config()
    {
        return config;
    }

    @Override
    public void apply(NetworkPlan newPlan)
            throws NetworkException
    {
        try {
            applyPlan(newPlan);
            applyFailure = null;
        }
        catch (NetworkException e) {
            applyFailure = e.getMessage();
            throw e;
        }
    }

    private void applyPlan(NetworkPlan newPlan)
            throws NetworkException
    {
        requireNonNull(newPlan, "newPlan is null");
        Ipv4Cidr taskCidr = parse(newPlan.taskCidr(), "task CIDR");
        Ipv4Cidr slice = parse(newPlan.hostSubnet(), "host subnet");
        if (!taskCidr.contains(slice)) {
            throw new NetworkException("the control plane's plan gives this host the slice " + slice + ", which is not inside the task CIDR " + taskCidr);
        }
        planLock.lock();
        try {
            NetworkPlan previous = plan;
            if (newPlan.equals(previous) && ++unchangedApplies % REPAIR_EVERY != 0) {
                return;
            }
            // every REPAIR_EVERY-th unchanged plan is applied anyway: it puts back links and tables removed behind the agent's back
            boolean repair = newPlan.equals(previous);
            if (previous != null && !previous.hostSubnet().equals(newPlan.hostSubnet()) && !states.taskIds().isEmpty()) {
                throw new NetworkException("the control plane moved this host from slice " + previous.hostSubnet() + " to " + newPlan.hostSubnet()
                        + " while tasks hold addresses in the old one");
            }
            planStore.save(newPlan);
            List<NetworkPeer> peers = otherHosts(newPlan);
            // most changes of a plan are task endpoints coming and going (two per task start or stop anywhere in the
            // cluster): they touch the firewall only, and the bridge and links are left alone, which spares five
            // `ip` runs competing with the task starts that caused them (they are looked at again now and then)
            boolean layoutDue = previous == null || System.nanoTime() - layoutCheckedAt > LAYOUT_CHECK_INTERVAL.toNanos();
            if (repair || layoutDue || !sameLayout(previous, newPlan)) {
                int mtu = bridge.taskMtu(peers.stream().map(NetworkPeer::underlayAddress).findFirst(), config.underlayAddress());
                bridge.ensure(slice, mtu);
                links.update(newPlan.link(), slice, peers);
                taskMtu = mtu;
                layoutCheckedAt = System.nanoTime();
            }
            plan = newPlan;
            firewall.apply(this::firewallRules, repair);
            // the first plan lets the pool fill; a changed one may leave warm namespaces of another slice or MTU to replace
            warmPool.refill();
            if (previous == null || !previous.peers().equals(newPlan.peers())) {
                log.info("task network on slice {} of {}: {} peer host(s), bridge {}", slice, taskCidr, peers.size(), config.bridgeName());
            }
        }
        finally {
            planLock.unlock();
        }
    }

    @Override
    public void restore()
            throws NetworkException
    {
        try {
            Optional<NetworkPlan> stored = planStore.load();
            if (stored.isPresent()) {
                apply(stored.get());
            }
        }
        finally {
            releaseLeftoverWarm();
            warmPool.enable();
        }
    }

    /**
     * Removes the warm namespaces an earlier agent left (it stopped, or crashed, with them made and not handed out);
     * one whose plugin id a task's state names was being handed to that task, which keeps it (only the warm state
     * goes). Every task's namespace gets its task's name back, should a crash have come before its alias was made.
     */
    private void releaseLeftoverWarm()
    {
        Map<String, String> taken = new HashMap<>();
        for (String taskId : states.taskIds()) {
            Optional<TaskNetworkState> state = states.read(taskId, namespaceName(taskId));
            if (state.isEmpty()) {
                continue;
            }
            taken.put(state.get().cniContainerId(), state.get().namespace());
            if (namespaces.exists(state.get().namespace())) {
                try {
                    nameAfterTask(state.get());
                }
                catch (NetworkException e) {
                    log.warn("task {}: {}", taskId, e.getMessage());
                }
            }
        }
        for (String id : warmStates.taskIds()) {
            Optional<TaskNetworkState> state = warmStates.read(id, namespaceName(id));
            if (state.isEmpty()) {
                continue;
            }
            try {
                if (taken.containsKey(id)) {
                    // a task's now (its address and veth are the task's): only the warm state goes, and the warm name
                    // should an agent from before aliases have cut its renaming short (its task's state names another)
                    if (!taken.get(id).equals(state.get().namespace())) {
                        namespaces.delete(state.get().namespace());
                    }
                    warmStates.delete(id);
                }
                else {
                    release(state.get(), warmStates, "warm network namespace " + state.get().namespace());
                }
            }
            catch (NetworkException e) {
                log.warn("cannot remove the warm network namespace {} an earlier agent left: {}", state.get().namespace(), e.getMessage());
            }
        }
    }

    @Override
    public List<String> releaseWarm()
    {
        List<String> failures = new ArrayList<>(warmPool.release());
        if (plan != null) {
            try {
                applyFirewall();
            }
            catch (NetworkException e) {
                failures.add("the firewall without the warm network namespaces (" + e.getMessage() + ")");
            }
        }
        return failures;
    }

    @Override
    public Optional<String> gateway()
    {
        NetworkPlan current = plan;
        return current == null ? Optional.empty() : Optional.of(Ipv4Cidr.parse(current.hostSubnet()).firstHost());
    }

    @Override
    public void openMetadataEndpoint(int port)
            throws NetworkException
    {
        metadataPort = port;
        if (plan != null) {
            applyFirewall();
        }
        // tasks that kept running across an agent restart may point 169.254.170.2 at an earlier port
        for (String taskId : states.taskIds()) {
            Optional<TaskNetworkState> state = states.read(taskId, namespaceName(taskId));
            if (state.isEmpty() || state.get().addResult() == null || !namespaces.exists(state.get().namespace())) {
                continue;
            }
            try {
                routeMetadataAddress(bridgeConfigs.attachment(state.get(), namespaces.path(state.get().namespace())), state.get().namespace());
            }
            catch (NetworkException e) {
                log.warn("task {}: {} does not reach the metadata endpoint: {}", taskId, TaskMetadataAddress.ADDRESS, e.getMessage());
            }
        }
    }

    /** Leads the task's connections to 169.254.170.2:80 to the metadata endpoint, once it listens. */
    private void routeMetadataAddress(NetworkAttachment attachment, String namespace)
            throws NetworkException
    {
        int port = metadataPort;
        if (port > 0 && attachment.gateway() != null) {
            TaskMetadataAddress.apply(machineCommands, namespaces.path(namespace), namespace, attachment.gateway(), port);
        }
    }

    @Override
    public Optional<NetworkAttachment> setUp(String taskId, String accountId)
            throws NetworkException
    {
        checkTaskId(taskId);
        ReentrantLock lock = taskLock(taskId);
        lock.lock();
        try {
            NetworkPlan current = plan;
            if (current == null && applyFailure != null) {
                throw new NetworkException("this host's task network is not set up: " + applyFailure);
            }
            if (current == null) {
                // as the agent protocol says: a control plane that sends no plan gives tasks no network of their own
                log.warn("task {}: no network plan from the control plane, the task gets no network of its own", taskId);
                return Optional.empty();
            }
            Optional<TaskNetworkState> existing = states.read(taskId, namespaceName(taskId));
            if (existing.isPresent() && existing.get().addResult() != null && namespaces.exists(existing.get().namespace())) {
                nameAfterTask(existing.get());
                applyFirewall();
                return Optional.of(attachment(existing.get()));
            }
            if (existing.isPresent()) {
                // a set-up cut short by a crash: release what it got, then begin again
                tearDownHeld(taskId);
            }
            Optional<WarmNamespace> warm = warmPool.take(candidate -> candidate.subnet().equals(current.hostSubnet()) && candidate.mtu() == taskMtu);
            if (warm.isPresent()) {
                return Optional.of(takeWarm(taskId, accountId, warm.get()));
            }
            TaskNetworkState state = new TaskNetworkState(taskId, namespaceName(taskId), accountId == null ? NO_ACCOUNT : accountId, current.hostSubnet(), null);
            states.write(state);
            try {
                MadeNamespace made = makeNamespace(state, taskMtu);
                state = made.state();
                NetworkAttachment attachment = attachment(state);
                states.write(state);
                if (metadataPort != made.routedPort()) {
                    // the endpoint opened meanwhile, and skipped this task's namespace while its state had no address yet
                    routeMetadataAddress(attachment, state.namespace());
                }
                // the task's identity is in the firewall before any of its containers can send a packet
                applyFirewall();
                log.info("task {}: network namespace {} with address {} on bridge {}", taskId, state.namespace(), attachment.ipv4Address(), config.bridgeName());
                return Optional.of(attachment);
            }
            catch (NetworkException | RuntimeException e) {
                try {
                    tearDownHeld(taskId);
                }
                catch (NetworkException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * Gives the task a warm namespace: its state file (naming the warm namespace, which keeps its own name, and the warm
     * one's plugin id, which the address's release needs) is written before the warm one's goes, so a crash between leaves it to
     * either the task or the next agent's start, never to neither; the task's name becomes an alias of it (a symbolic
     * link, no process); then the metadata route if the endpoint moved, and the task's identity into the firewall
     * (which takes the port out of the idle ones in the same transaction). The only process on this path is that nft.
     */
    private NetworkAttachment takeWarm(String taskId, String accountId, WarmNamespace warm)
            throws NetworkException
    {
        TaskNetworkState state = new TaskNetworkState(taskId, warm.namespace(), accountId == null ? NO_ACCOUNT : accountId, warm.subnet(), warm.addResult(), warm.id());
        try {
            states.write(state);
        }
        catch (NetworkException e) {
            try {
                release(warmState(warm), warmStates, "warm network namespace " + warm.namespace());
            }
            catch (NetworkException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        finally {
            warmPool.handedOut(warm);
        }
        try {
            nameAfterTask(state);
            warmStates.delete(warm.id());
            NetworkAttachment attachment = attachment(state);
            if (metadataPort != warm.metadataPort()) {
                routeMetadataAddress(attachment, state.namespace());
            }
            applyFirewall();
            log.info("task {}: network namespace {} (made warm as {}) with address {} on bridge {}", taskId, namespaceName(taskId), state.namespace(), attachment.ipv4Address(), config.bridgeName());
            return attachment;
        }
        catch (NetworkException | RuntimeException e) {
            try {
                // the task's state names the warm namespace: its tear-down removes it, the alias and the address
                tearDownHeld(taskId);
                warmStates.delete(warm.id());
            }
            catch (NetworkException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * The task's namespace under the task's name (BRIDGE-TASKID), which operators, health checks that nsenter and tools
     * look for: a namespace made warm keeps its own name, and the task's name is an alias of it.
     */
    private void nameAfterTask(TaskNetworkState state)
            throws NetworkException
    {
        String taskName = namespaceName(state.taskId());
        if (!taskName.equals(state.namespace())) {
            namespaces.alias(taskName, state.namespace());
        }
    }

    /** The task's attachment: its containers join the namespace by the task's name. */
    private NetworkAttachment attachment(TaskNetworkState state)
            throws NetworkException
    {
        return bridgeConfigs.attachment(state, namespaces.path(namespaceName(state.taskId())));
    }

    private static TaskNetworkState warmState(WarmNamespace warm)
    {
        return new TaskNetworkState(warm.id(), warm.namespace(), null, warm.subnet(), warm.addResult(), warm.id());
    }

    /** A namespace made with its address: the state with its port's result, and the metadata port it routed to (0: none). */
    private record MadeNamespace(TaskNetworkState state, int routedPort) {}

    /**
     * Makes the namespace the state names, with its loopback, its metadata route and its veth and address; on failure
     * the caller tears down by the state (recorded before this).
     */
    private MadeNamespace makeNamespace(TaskNetworkState state, int mtu)
            throws NetworkException
    {
        namespaces.create(state.namespace());
        String namespacePath = namespaces.path(state.namespace()).toString();
        // inside the namespace (the metadata address) beside the veth and address: neither needs the other, and each
        // waits on the kernel on a thread of its own
        CompletableFuture<Integer> inside = insideNamespace(state.taskId(), state.namespace(), Ipv4Cidr.parse(state.subnet()).firstHost());
        TaskNetworkState added;
        try {
            added = state.withAddResult(ports.add(state.cniContainerId(), namespacePath, state.subnet(), mtu));
        }
        catch (NetworkException | RuntimeException e) {
            // the tear-down after this must not race the steps inside the namespace: they end first
            try {
                awaitInside(inside);
            }
            catch (NetworkException | RuntimeException inner) {
                e.addSuppressed(inner);
            }
            throw e;
        }
        return new MadeNamespace(added, awaitInside(inside));
    }

    /** Makes and removes warm namespaces for the pool, with the same steps as a task's own. */
    private final class WarmMaker
            implements WarmNamespacePool.Maker
    {
        @Override
        public Optional<WarmNamespace> make(String id)
                throws NetworkException
        {
            NetworkPlan current = plan;
            int mtu = taskMtu;
            if (current == null) {
                return Optional.empty();
            }
            TaskNetworkState state = new TaskNetworkState(id, namespaceName(id), null, current.hostSubnet(), null, id);
            warmStates.write(state);
            try {
                MadeNamespace made = makeNamespace(state, mtu);
                warmStates.write(made.state());
                String hostInterface = bridgeConfigs.hostInterface(made.state().addResult())
                        .orElseThrow(() -> new NetworkException("the port's result named no host interface for " + state.namespace()));
                return Optional.of(new WarmNamespace(id, state.namespace(), state.subnet(), mtu, made.routedPort(), made.state().addResult(), hostInterface));
            }
            catch (NetworkException | RuntimeException e) {
                TaskNetworkState held = warmStates.read(id, state.namespace()).orElse(state);
                try {
                    CniTaskNetwork.this.release(held, warmStates, "warm network namespace " + state.namespace());
                }
                catch (NetworkException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        }

        @Override
        public void release(WarmNamespace warm)
                throws NetworkException
        {
            CniTaskNetwork.this.release(warmState(warm), warmStates, "warm network namespace " + warm.namespace());
        }

        @Override
        public void idleChanged()
                throws NetworkException
        {
            if (plan != null) {
                applyFirewall();
            }
        }
    }

    /**
     * Leads the metadata address to the endpoint, on a thread of its own; gives the endpoint's port it routed to (0:
     * none yet).
     */
    private CompletableFuture<Integer> insideNamespace(String taskId, String namespace, String gateway)
    {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        Thread.ofVirtual().name("netns-" + taskId).start(() -> {
            try {
                int port = metadataPort;
                if (port > 0) {
                    TaskMetadataAddress.apply(machineCommands, namespaces.path(namespace), namespace, gateway, port);
                }
                done.complete(port);
            }
            catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Waits for the steps inside the namespace; their failure is the set-up's (each step has its own deadline). */
    private static int awaitInside(CompletableFuture<Integer> inside)
            throws NetworkException
    {
        try {
            return inside.join();
        }
        catch (CompletionException e) {
            if (e.getCause() instanceof NetworkException failure) {
                throw failure;
            }
            throw e.getCause() instanceof RuntimeException unexpected ? unexpected : e;
        }
    }

    @Override
    public void tearDown(String taskId)
            throws NetworkException
    {
        checkTaskId(taskId);
        ReentrantLock lock = taskLock(taskId);
        lock.lock();
        try {
            tearDownHeld(taskId);
        }
        finally {
            lock.unlock();
            taskLocks.remove(taskId, lock);
        }
    }

    private void tearDownHeld(String taskId)
            throws NetworkException
    {
        Optional<TaskNetworkState> found = states.read(taskId, namespaceName(taskId));
        if (found.isPresent()) {
            release(found.get(), states, "task " + taskId);
            log.info("task {}: network released", taskId);
        }
    }

    /**
     * Releases the address, the veth and the namespace the state names, then its state file (from the store it is
     * in) and its place in the firewall. Goes on past a failed step; the state file stays when one failed, so the next
     * tear-down (or the agent's orphan cleanup) tries again.
     */
    private void release(TaskNetworkState state, TaskNetworkStates store, String what)
            throws NetworkException
    {
        List<String> failures = new ArrayList<>();
        NetworkPlan current = plan;
        String subnet = state.subnet() != null ? state.subnet() : current != null ? current.hostSubnet() : CniNetworkConfig.DEFAULT_SUBNET;
        // a task's place in the firewall goes beside its interface and namespace, not after them: its processes are
        // gone, so nothing of it needs the rules any more, and the render is one process of the stop's few
        CompletableFuture<String> firewallFailure = CompletableFuture.completedFuture(null);
        boolean leavesFirewallAtOnce = store == states && current != null;
        if (leavesFirewallAtOnce) {
            (state.addResult() == null ? Optional.<String>empty() : bridgeConfigs.hostInterface(state.addResult()))
                    .ifPresent(port -> releasedPorts.put(port, System.nanoTime()));
            leaving.add(state.taskId());
            firewallFailure = renderFirewallBeside("firewall-" + state.taskId());
        }
        String namespacePath = namespaces.path(state.namespace()).toString();
        CompletableFuture<String> addressFailure = CompletableFuture.completedFuture(null);
        if (current != null) {
            // once the firewall is rendered without this task and with its veth among the ports that pass nothing (a
            // warm namespace's is one already), the veth is cut off, whatever is still in the namespace, and the address
            // may go back, alone. The veth goes with the namespace (the kernel removes it once nothing
            // is in it); removing it here would wait 20-30 ms for the kernel, which a stop no longer does
            addressFailure = firewallFailure.thenCompose(left -> left != null
                    ? CompletableFuture.completedFuture("kept while its port may still pass frames")
                    : beside("address-" + state.taskId(),
                            () -> ports.releaseAddress(state.cniContainerId(), namespacePath, subnet, state.addResult())));
        }
        else {
            // no firewall without a plan: the veth goes before the address goes back
            try {
                ports.remove(state.cniContainerId(), namespacePath, subnet, taskMtu, state.addResult());
            }
            catch (NetworkException e) {
                failures.add("its interface and address (" + e.getMessage() + ")");
            }
        }
        if (state.subnet() == null && Files.isExecutable(Path.of("/usr/sbin/iptables"))) {
            // set up by an agent from before the tenant firewall, with the bridge plugin's own masquerade rules
            try {
                LegacyMasqueradeRules.remove(commands, config.networkName(), state.taskId());
            }
            catch (NetworkException e) {
                failures.add("its old masquerade rules (" + e.getMessage() + ")");
            }
        }
        try {
            // the task's name first, when it is an alias of a namespace made warm: nothing leads to a removed namespace
            if (!namespaceName(state.taskId()).equals(state.namespace())) {
                namespaces.removeAlias(namespaceName(state.taskId()));
            }
            namespaces.delete(state.namespace());
        }
        catch (NetworkException e) {
            failures.add("its namespace (" + e.getMessage() + ")");
        }
        String addressLeft = addressFailure.join();
        if (addressLeft != null) {
            failures.add("its address (" + addressLeft + ")");
        }
        String firewallLeft = firewallFailure.join();
        if (firewallLeft != null) {
            failures.add("its place in the firewall (" + firewallLeft + ")");
        }
        if (!failures.isEmpty()) {
            leaving.remove(state.taskId());
            throw new NetworkException(what + ": could not remove " + String.join("; ", failures));
        }
        store.delete(state.taskId());
        leaving.remove(state.taskId());
        if (current != null && !leavesFirewallAtOnce) {
            applyFirewall();
        }
    }

    /** Renders the firewall on a thread of its own; the future holds null, or why the render failed. */
    private CompletableFuture<String> renderFirewallBeside(String name)
    {
        return beside(name, this::applyFirewall);
    }

    /** Runs the step on a thread of its own; the future holds null, or why the step failed. */
    private static CompletableFuture<String> beside(String name, NetworkStep step)
    {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofVirtual().name(name).start(() -> {
            try {
                step.run();
                result.complete(null);
            }
            catch (NetworkException | RuntimeException e) {
                result.complete(e.getMessage());
            }
        });
        return result;
    }

    private interface NetworkStep
    {
        void run()
                throws NetworkException;
    }

    @Override
    public List<String> taskIds()
    {
        return states.taskIds();
    }

    /**
     * Removes this host's part of the network (the links to other hosts, the firewall tables, the bridge) once no
     * task holds a network, for tests and hosts leaving Berth; the next plan makes them again. Goes on past a
     * failed step and then names what it could not remove.
     */
    public void removeHostNetworkIfUnused()
            throws NetworkException
    {
        planLock.lock();
        try {
            if (!taskIds().isEmpty()) {
                return;
            }
            List<String> failures = new ArrayList<>(warmPool.release());
            plan = null;
            try {
                links.remove();
            }
            catch (NetworkException e) {
                failures.add(e.getMessage());
            }
            try {
                firewall.remove();
            }
            catch (NetworkException e) {
                failures.add(e.getMessage());
            }
            try {
                bridge.remove();
            }
            catch (NetworkException e) {
                failures.add(e.getMessage());
            }
            if (!failures.isEmpty()) {
                throw new NetworkException("the host's task network is partly left: " + String.join("; ", failures));
            }
        }
        finally {
            planLock.unlock();
        }
    }

    /** Named after the bridge too, so an operator sees which agent a namespace belongs to. */
    String namespaceName(String taskId)
    {
        return config.bridgeName() + "-" + taskId;
    }

    private ReentrantLock taskLock(String taskId)
    {
        return taskLocks.computeIfAbsent(taskId, id -> new ReentrantLock());
    }

    private void applyFirewall()
            throws NetworkException
    {
        firewall.apply(this::firewallRules);
    }

    private FirewallRules firewallRules()
            throws NetworkException
    {
        NetworkPlan current = plan;
        if (current == null) {
            throw new NetworkException("no network plan to build the firewall from");
        }
        List<LocalTask> tasks = new ArrayList<>();
        for (String taskId : states.taskIds()) {
            if (leaving.contains(taskId)) {
                continue;
            }
            Optional<TaskNetworkState> state = states.read(taskId, namespaceName(taskId));
            if (state.isEmpty() || state.get().addResult() == null) {
                continue;
            }
            Optional<String> hostInterface = bridgeConfigs.hostInterface(state.get().addResult());
            NetworkAttachment attachment = bridgeConfigs.attachment(state.get(), namespaces.path(state.get().namespace()));
            if (hostInterface.isEmpty() || attachment.macAddress() == null) {
                log.warn("task {}: its network names no host interface or MAC; it gets no anti-spoofing rules", taskId);
                continue;
            }
            String account = state.get().accountId() == null ? NO_ACCOUNT : state.get().accountId();
            tasks.add(new LocalTask(taskId, account, hostInterface.get(), attachment.macAddress(), attachment.ipv4Address()));
        }
        return new FirewallRules(
                config.bridgeName(),
                otherHosts(current).isEmpty() ? Optional.empty() : Optional.of(links.deviceName()),
                Ipv4Cidr.parse(current.taskCidr()),
                Ipv4Cidr.parse(current.hostSubnet()),
                metadataPort,
                tasks,
                remoteEndpoints(current),
                otherHosts(current).stream().map(NetworkPeer::underlayAddress).toList(),
                current.egress(),
                current.reachableServices(),
                otherHosts(current).stream().map(peer -> Ipv4Cidr.parse(peer.hostSubnet()).networkAddress()).toList(),
                cutOffPorts(tasks));
    }

    /**
     * The ports that pass nothing: warm namespaces' and released tasks' (those the kernel has not removed yet, or kept
     * for {@link #RELEASED_PORT_KEPT} where it cannot be told), never a port a task holds now.
     */
    private List<String> cutOffPorts(List<LocalTask> tasks)
    {
        long now = System.nanoTime();
        boolean sysfsShowsPorts = commands.prefix().isEmpty();
        releasedPorts.entrySet().removeIf(released -> now - released.getValue() > RELEASED_PORT_KEPT.toNanos()
                || sysfsShowsPorts && !Files.exists(Path.of("/sys/class/net", released.getKey())));
        Set<String> held = new HashSet<>();
        tasks.forEach(task -> held.add(task.hostInterface()));
        List<String> ports = new ArrayList<>(warmPool.idleInterfaces());
        releasedPorts.keySet().stream().filter(port -> !held.contains(port)).sorted().forEach(ports::add);
        return ports;
    }

    /** Whether two plans lay out the bridge and the links to other hosts alike: the same address space, slice, link settings and peers. */
    private static boolean sameLayout(NetworkPlan one, NetworkPlan other)
    {
        return one.taskCidr().equals(other.taskCidr())
                && one.hostSubnet().equals(other.hostSubnet())
                && one.link().equals(other.link())
                && one.peers().equals(other.peers());
    }

    /**
     * The plan's task endpoints on other hosts. This host's own slice is left out: its addresses are given here, and
     * the tasks that hold them are known from their own state ({@link LocalTask}), so an endpoint of this slice adds
     * nothing true (a task that stopped since the plan was made at worst), and leaving them out keeps a local task's
     * start or stop from changing the rules twice.
     */
    private static List<TaskEndpoint> remoteEndpoints(NetworkPlan plan)
    {
        Ipv4Cidr slice = Ipv4Cidr.parse(plan.hostSubnet());
        return plan.endpoints().stream().filter(endpoint -> !slice.contains(endpoint.ipv4Address())).toList();
    }

    /** The plan's peers without this host, should the plan list it too: its own slice must not be routed away. */
    private static List<NetworkPeer> otherHosts(NetworkPlan plan)
    {
        return plan.peers().stream().filter(peer -> !peer.hostSubnet().equals(plan.hostSubnet())).toList();
    }

    private static Ipv4Cidr parse(String cidr, String what)
            throws NetworkException
    {
        try {
            return Ipv4Cidr.parse(cidr);
        }
        catch (IllegalArgumentException e) {
            throw new NetworkException("the control plane's network plan has an invalid " + what + ": " + e.getMessage());
        }
    }

    private static void checkTaskId(String taskId)
    {
        if (taskId == null || !TASK_ID.matcher(taskId).matches()) {
            throw new IllegalArgumentException("invalid task id for a network: " + taskId);
        }
    }
}
