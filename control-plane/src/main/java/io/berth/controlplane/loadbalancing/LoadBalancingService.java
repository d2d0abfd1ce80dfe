package io.berth.controlplane.loadbalancing;

import io.berth.common.network.Ipv4Cidr;
import io.berth.controlplane.store.ConcurrentUpdateException;
import io.berth.controlplane.store.JsonBodies;
import io.berth.controlplane.store.LoadBalancingRows;
import io.berth.controlplane.store.LoadBalancingRows.Resource;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.berth.controlplane.loadbalancing.LoadBalancingException.Kind.DUPLICATE_LISTENER;
import static io.berth.controlplane.loadbalancing.LoadBalancingException.Kind.DUPLICATE_LOAD_BALANCER_NAME;
import static io.berth.controlplane.loadbalancing.LoadBalancingException.Kind.DUPLICATE_TARGET_GROUP_NAME;
import static io.berth.controlplane.loadbalancing.LoadBalancingException.Kind.LISTENER_NOT_FOUND;
import static io.berth.controlplane.loadbalancing.LoadBalancingException.Kind.LOAD_BALANCER_NOT_FOUND;
import static io.berth.controlplane.loadbalancing.LoadBalancingException.Kind.PRIORITY_IN_USE;
import static io.berth.controlplane.loadbalancing.LoadBalancingException.Kind.RESOURCE_IN_USE;
import static io.berth.controlplane.loadbalancing.LoadBalancingException.Kind.RULE_NOT_FOUND;
import static io.berth.controlplane.loadbalancing.LoadBalancingException.Kind.TARGET_GROUP_NOT_FOUND;
import static io.berth.controlplane.loadbalancing.LoadBalancingException.Kind.TOO_MANY_LOAD_BALANCERS;
import static java.util.Objects.requireNonNull;

/**
 * Load balancers, target groups, listeners and rules of each account. Every lookup is by the caller's account, so
 * another account's ARN is not found. Each change wakes the ingress hosts (onChange), which get the new plan at their
 * next sync.
 */
public final class LoadBalancingService
{
    static final String LOAD_BALANCER = "loadbalancer";
    static final String TARGET_GROUP = "targetgroup";
    static final String LISTENER = "listener";
    static final String RULE = "rule";
    private static final String TOP = "";
    private static final String NAME_PATTERN = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?";

    private final Store store;
    private final Ipv4Cidr addresses;
    private final Runnable onChange;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** addresses: where each load balancer's own address comes from (its listeners bind there on the ingress hosts). */
    public LoadBalancingService(Store store, Ipv4Cidr addresses, Runnable onChange, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.addresses = requireNonNull(addresses, "addresses is null");
        this.onChange = requireNonNull(onChange, "onChange is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public LoadBalancer createLoadBalancer(String accountId, String region, String name)
    {
        checkName("LoadBalancer", name);
        if (name.startsWith("internal-")) {
            throw LoadBalancingException.validation("A load balancer name cannot begin with 'internal-'");
        }
        LoadBalancer created = store.inTransaction(transaction -> {
            LoadBalancingRows rows = transaction.loadBalancing();
            if (rows.findByName(accountId, LOAD_BALANCER, TOP, name).isPresent()) {
                throw new LoadBalancingException(DUPLICATE_LOAD_BALANCER_NAME, "A load balancer with the same name '" + name + "' exists");
            }
            String address = freeAddress(rows.addressesInUse());
            String arn = arnPrefix(region, accountId) + "loadbalancer/app/" + name + "/" + newId();
            LoadBalancer loadBalancer = new LoadBalancer(arn, accountId, name, address, clock.instant());
            if (!rows.insertIfAbsent(new Resource(arn, accountId, LOAD_BALANCER, TOP, name, address, loadBalancer.createdAt(), write(loadBalancer)))) {
                // another request took the name or the address since the reads above: run again
                throw new ConcurrentUpdateException("load balancer " + name + " or address " + address + " taken concurrently");
            }
            return loadBalancer;
        });
        onChange.run();
        return created;
    }

    /** The named or listed load balancers (all the account's when both are empty); any one missing is LoadBalancerNotFound. */
    public List<LoadBalancer> describeLoadBalancers(String accountId, List<String> arns, List<String> names)
    {
        return store.inTransaction(transaction -> {
            LoadBalancingRows rows = transaction.loadBalancing();
            if (arns.isEmpty() && names.isEmpty()) {
                return rows.list(accountId, LOAD_BALANCER).stream().map(row -> read(row, LoadBalancer.class)).toList();
            }
            List<LoadBalancer> found = new ArrayList<>();
            for (String arn : arns) {
                found.add(loadBalancer(rows, accountId, arn));
            }
            for (String name : names) {
                found.add(rows.findByName(accountId, LOAD_BALANCER, TOP, name).map(row -> read(row, LoadBalancer.class))
                        .orElseThrow(() -> new LoadBalancingException(LOAD_BALANCER_NOT_FOUND, "Load balancers '[" + name + "]' not found")));
            }
            return found;
        });
    }

    /** Deletes the load balancer with its listeners and their rules, as ELB does. */
    public void deleteLoadBalancer(String accountId, String arn)
    {
        store.useTransaction(transaction -> {
            LoadBalancingRows rows = transaction.loadBalancing();
            loadBalancer(rows, accountId, arn);
            for (Resource listener : rows.children(arn, LISTENER)) {
                rows.children(listener.arn(), RULE).forEach(rule -> rows.delete(rule.arn()));
                rows.delete(listener.arn());
            }
            rows.delete(arn);
        });
        onChange.run();
    }

    public TargetGroup createTargetGroup(String accountId, String region, String name, int port, HealthCheck healthCheck)
    {
        checkName("TargetGroup", name);
        return store.inTransaction(transaction -> {
            LoadBalancingRows rows = transaction.loadBalancing();
            String arn = arnPrefix(region, accountId) + "targetgroup/" + name + "/" + newId();
            TargetGroup group = new TargetGroup(arn, accountId, name, port, healthCheck, TargetGroup.DEFAULT_DEREGISTRATION_DELAY_SECONDS, clock.instant());
            if (!rows.insertIfAbsent(new Resource(arn, accountId, TARGET_GROUP, TOP, name, null, group.createdAt(), write(group)))) {
                throw new LoadBalancingException(DUPLICATE_TARGET_GROUP_NAME, "A target group with the same name '" + name + "' exists");
            }
            return group;
        });
    }

    /** By ARNs, names, or the load balancer whose listeners and rules use them (all the account's when none is given). */
    public List<TargetGroup> describeTargetGroups(String accountId, String loadBalancerArn, List<String> arns, List<String> names)
    {
        return store.inTransaction(transaction -> {
            LoadBalancingRows rows = transaction.loadBalancing();
            List<TargetGroup> found = new ArrayList<>();
            if (loadBalancerArn != null) {
                loadBalancer(rows, accountId, loadBalancerArn);
                Set<String> used = new java.util.LinkedHashSet<>();
                for (Resource listener : rows.children(loadBalancerArn, LISTENER)) {
                    used.add(read(listener, Listener.class).defaultTargetGroupArn());
                    rows.children(listener.arn(), RULE).forEach(rule -> used.add(read(rule, ListenerRule.class).targetGroupArn()));
                }
                used.forEach(arn -> rows.find(accountId, TARGET_GROUP, arn).ifPresent(row -> found.add(read(row, TargetGroup.class))));
            }
            for (String arn : arns) {
                found.add(targetGroup(rows, accountId, arn));
            }
            for (String name : names) {
                found.add(rows.findByName(accountId, TARGET_GROUP, TOP, name).map(row -> read(row, TargetGroup.class))
                        .orElseThrow(() -> new LoadBalancingException(TARGET_GROUP_NOT_FOUND, "Target groups '[" + name + "]' not found")));
            }
            if (loadBalancerArn == null && arns.isEmpty() && names.isEmpty()) {
                rows.list(accountId, TARGET_GROUP).forEach(row -> found.add(read(row, TargetGroup.class)));
            }
            return found;
        });
    }

    /** The load balancers whose listeners or rules forward to the target group. */
    public List<String> loadBalancersOf(String accountId, String targetGroupArn)
    {
        return store.inTransaction(transaction -> usersOf(transaction.loadBalancing(), accountId, targetGroupArn).keySet().stream().toList());
    }

    /** Refused with ResourceInUse while a listener or rule forwards to it; its targets go with it. */
    public void deleteTargetGroup(String accountId, String arn)
    {
        store.useTransaction(transaction -> {
            LoadBalancingRows rows = transaction.loadBalancing();
            targetGroup(rows, accountId, arn);
            Map<String, String> users = usersOf(rows, accountId, arn);
            if (!users.isEmpty()) {
                throw new LoadBalancingException(RESOURCE_IN_USE, "Target group '" + arn + "' is currently in use by a listener or a rule (" + users.values().iterator().next() + ")");
            }
            rows.removeTargets(arn);
            rows.delete(arn);
        });
        onChange.run();
    }

    public TargetGroup targetGroup(String accountId, String arn)
    {
        return store.inTransaction(transaction -> targetGroup(transaction.loadBalancing(), accountId, arn));
    }

    public TargetGroup setDeregistrationDelay(String accountId, String arn, int seconds)
    {
        TargetGroup changed = store.inTransaction(transaction -> {
            LoadBalancingRows rows = transaction.loadBalancing();
            TargetGroup group = targetGroup(rows, accountId, arn).withDeregistrationDelaySeconds(seconds);
            rows.updateBody(arn, write(group));
            return group;
        });
        onChange.run();
        return changed;
    }

    public Listener createListener(String accountId, String region, String loadBalancerArn, int port, String targetGroupArn)
    {
        Listener created = store.inTransaction(transaction -> {
            LoadBalancingRows rows = transaction.loadBalancing();
            LoadBalancer loadBalancer = loadBalancer(rows, accountId, loadBalancerArn);
            targetGroup(rows, accountId, targetGroupArn);
            String arn = arnPrefix(region, accountId) + "listener/app/" + loadBalancer.name() + "/" + lastSegment(loadBalancerArn) + "/" + newId();
            Listener listener = new Listener(arn, accountId, loadBalancerArn, port, targetGroupArn, clock.instant());
            if (!rows.insertIfAbsent(new Resource(arn, accountId, LISTENER, loadBalancerArn, Integer.toString(port), null, listener.createdAt(), write(listener)))) {
                throw new LoadBalancingException(DUPLICATE_LISTENER, "A listener already exists on port " + port + " of load balancer '" + loadBalancerArn + "'");
            }
            return listener;
        });
        onChange.run();
        return created;
    }

    public List<Listener> describeListeners(String accountId, String loadBalancerArn, List<String> arns)
    {
        return store.inTransaction(transaction -> {
            LoadBalancingRows rows = transaction.loadBalancing();
            List<Listener> found = new ArrayList<>();
            if (loadBalancerArn != null) {
                loadBalancer(rows, accountId, loadBalancerArn);
                rows.children(loadBalancerArn, LISTENER).forEach(row -> found.add(read(row, Listener.class)));
            }
            for (String arn : arns) {
                found.add(listener(rows, accountId, arn));
            }
            return found;
        });
    }

    public void deleteListener(String accountId, String arn)
    {
        store.useTransaction(transaction -> {
            LoadBalancingRows rows = transaction.loadBalancing();
            listener(rows, accountId, arn);
            rows.children(arn, RULE).forEach(rule -> rows.delete(rule.arn()));
            rows.delete(arn);
        });
        onChange.run();
    }

    public ListenerRule createRule(String accountId, String region, String listenerArn, int priority, List<String> pathPatterns, List<String> hostHeaders, String targetGroupArn)
    {
        ListenerRule created = store.inTransaction(transaction -> {
            LoadBalancingRows rows = transaction.loadBalancing();
            Listener listener = listener(rows, accountId, listenerArn);
            targetGroup(rows, accountId, targetGroupArn);
            String arn = listenerArn.replaceFirst(":listener/", ":listener-rule/") + "/" + newId();
            ListenerRule rule = new ListenerRule(arn, accountId, listener.arn(), priority, pathPatterns, hostHeaders, targetGroupArn, clock.instant());
            if (!rows.insertIfAbsent(new Resource(arn, accountId, RULE, listenerArn, Integer.toString(priority), null, rule.createdAt(), write(rule)))) {
                throw new LoadBalancingException(PRIORITY_IN_USE, "Priority '" + priority + "' is currently in use");
            }
            return rule;
        });
        onChange.run();
        return created;
    }

    /** The listener's rules by priority (with its default, as {@link #describeListeners} gives it), or the rules named. */
    public List<ListenerRule> describeRules(String accountId, String listenerArn, List<String> arns)
    {
        return store.inTransaction(transaction -> {
            LoadBalancingRows rows = transaction.loadBalancing();
            List<ListenerRule> found = new ArrayList<>();
            if (listenerArn != null) {
                listener(rows, accountId, listenerArn);
                rows.children(listenerArn, RULE).forEach(row -> found.add(read(row, ListenerRule.class)));
                found.sort(java.util.Comparator.comparingInt(ListenerRule::priority));
            }
            for (String arn : arns) {
                found.add(rows.find(accountId, RULE, arn).map(row -> read(row, ListenerRule.class))
                        .orElseThrow(() -> new LoadBalancingException(RULE_NOT_FOUND, "One or more rules not found: '" + arn + "'")));
            }
            return found;
        });
    }

    public void deleteRule(String accountId, String arn)
    {
        store.useTransaction(transaction -> {
            LoadBalancingRows rows = transaction.loadBalancing();
            rows.find(accountId, RULE, arn).orElseThrow(() -> new LoadBalancingException(RULE_NOT_FOUND, "One or more rules not found: '" + arn + "'"));
            rows.delete(arn);
        });
        onChange.run();
    }

    Listener listenerOf(String accountId, String arn)
    {
        return store.inTransaction(transaction -> listener(transaction.loadBalancing(), accountId, arn));
    }

    // --- shared with TargetRegistration and IngressPlans

    Store store()
    {
        return store;
    }

    Clock clock()
    {
        return clock;
    }

    void changed()
    {
        onChange.run();
    }

    static LoadBalancer loadBalancer(LoadBalancingRows rows, String accountId, String arn)
    {
        return rows.find(accountId, LOAD_BALANCER, arn).map(row -> read(row, LoadBalancer.class))
                .orElseThrow(() -> new LoadBalancingException(LOAD_BALANCER_NOT_FOUND, "Load balancer '" + arn + "' not found"));
    }

    static TargetGroup targetGroup(LoadBalancingRows rows, String accountId, String arn)
    {
        return rows.find(accountId, TARGET_GROUP, arn).map(row -> read(row, TargetGroup.class))
                .orElseThrow(() -> new LoadBalancingException(TARGET_GROUP_NOT_FOUND, "Target groups '" + arn + "' not found"));
    }

    static Listener listener(LoadBalancingRows rows, String accountId, String arn)
    {
        return rows.find(accountId, LISTENER, arn).map(row -> read(row, Listener.class))
                .orElseThrow(() -> new LoadBalancingException(LISTENER_NOT_FOUND, "Listener '" + arn + "' not found"));
    }

    /** Load balancer ARN -> the listener or rule ARN of it that forwards to the target group. */
    static Map<String, String> usersOf(LoadBalancingRows rows, String accountId, String targetGroupArn)
    {
        Map<String, String> users = new LinkedHashMap<>();
        for (Resource row : rows.list(accountId, LISTENER)) {
            Listener listener = read(row, Listener.class);
            if (listener.defaultTargetGroupArn().equals(targetGroupArn)) {
                users.putIfAbsent(listener.loadBalancerArn(), listener.arn());
            }
            for (Resource ruleRow : rows.children(listener.arn(), RULE)) {
                if (read(ruleRow, ListenerRule.class).targetGroupArn().equals(targetGroupArn)) {
                    users.putIfAbsent(listener.loadBalancerArn(), ruleRow.arn());
                }
            }
        }
        return users;
    }

    private String freeAddress(Set<String> inUse)
    {
        // skip the network address; on a loopback range every other address is usable as it is
        for (long address = addresses.network() + 1; address < addresses.lastAddress(); address++) {
            String text = Ipv4Cidr.formatAddress(address);
            if (!inUse.contains(text)) {
                return text;
            }
        }
        throw new LoadBalancingException(TOO_MANY_LOAD_BALANCERS, "Every load balancer address of " + addresses + " is in use; the operator can widen the ingress address range");
    }

    private static void checkName(String what, String name)
    {
        if (name == null || !name.matches(NAME_PATTERN)) {
            throw LoadBalancingException.validation(what + " name '" + name + "' must be 1 to 32 letters, digits and hyphens, and must not begin or end with a hyphen");
        }
    }

    static String arnPrefix(String region, String accountId)
    {
        return "arn:aws:elasticloadbalancing:" + region + ":" + accountId + ":";
    }

    private String newId()
    {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String lastSegment(String arn)
    {
        return arn.substring(arn.lastIndexOf('/') + 1);
    }

    static String write(Object value)
    {
        return JsonBodies.write(value);
    }

    static <T> T read(Resource row, Class<T> type)
    {
        return JsonBodies.read(row.body(), type);
    }
}
