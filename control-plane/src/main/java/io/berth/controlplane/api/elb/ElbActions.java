package io.berth.controlplane.api.elb;

import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.query.QueryAction;
import io.berth.controlplane.api.query.QueryArguments;
import io.berth.controlplane.api.query.QueryService;
import io.berth.controlplane.api.query.XmlElement;
import io.berth.controlplane.loadbalancing.HealthCheck;
import io.berth.controlplane.loadbalancing.Listener;
import io.berth.controlplane.loadbalancing.ListenerRule;
import io.berth.controlplane.loadbalancing.LoadBalancer;
import io.berth.controlplane.loadbalancing.LoadBalancingException;
import io.berth.controlplane.loadbalancing.LoadBalancingService;
import io.berth.controlplane.loadbalancing.Target;
import io.berth.controlplane.loadbalancing.TargetGroup;
import io.berth.controlplane.loadbalancing.TargetHealth;
import io.berth.controlplane.loadbalancing.TargetRegistration;
import io.berth.controlplane.network.TaskNetworkVpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

import static io.berth.controlplane.api.query.QueryArguments.validation;
import static java.util.Objects.requireNonNull;

/**
 * The ELBv2 actions Berth serves, for application load balancers with HTTP listeners forwarding to ip target groups.
 * Each takes only the parameters Berth honours; any other is a ValidationError naming it.
 */
public final class ElbActions
{
    public static final String SIGNING_NAME = "elasticloadbalancing";
    public static final String VERSION = "2015-12-01";
    public static final String NAMESPACE = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";
    private static final String DEREGISTRATION_DELAY = "deregistration_delay.timeout_seconds";
    private static final int MAX_PAGE_SIZE = 400;

    private final LoadBalancingService loadBalancing;
    private final TargetRegistration targets;

    public ElbActions(LoadBalancingService loadBalancing, TargetRegistration targets)
    {
        this.loadBalancing = requireNonNull(loadBalancing, "loadBalancing is null");
        this.targets = requireNonNull(targets, "targets is null");
    }

    public QueryService service()
    {
        return new QueryService(SIGNING_NAME, VERSION, NAMESPACE, List.of(
                action("CreateLoadBalancer", Set.of("Name", "Type", "Scheme", "IpAddressType", "Subnets"), this::createLoadBalancer),
                action("DescribeLoadBalancers", Set.of("LoadBalancerArns", "Names", "Marker", "PageSize"), this::describeLoadBalancers),
                action("DeleteLoadBalancer", Set.of("LoadBalancerArn"), this::deleteLoadBalancer),
                action("CreateTargetGroup", Set.of("Name", "Protocol", "ProtocolVersion", "Port", "TargetType", "HealthCheckProtocol", "HealthCheckPort",
                        "HealthCheckEnabled", "HealthCheckPath", "HealthCheckIntervalSeconds", "HealthCheckTimeoutSeconds", "HealthyThresholdCount",
                        "UnhealthyThresholdCount", "Matcher", "IpAddressType", "VpcId"), this::createTargetGroup),
                action("DescribeTargetGroups", Set.of("LoadBalancerArn", "TargetGroupArns", "Names", "Marker", "PageSize"), this::describeTargetGroups),
                action("DeleteTargetGroup", Set.of("TargetGroupArn"), this::deleteTargetGroup),
                action("ModifyTargetGroupAttributes", Set.of("TargetGroupArn", "Attributes"), this::modifyTargetGroupAttributes),
                action("DescribeTargetGroupAttributes", Set.of("TargetGroupArn"), this::describeTargetGroupAttributes),
                action("CreateListener", Set.of("LoadBalancerArn", "Protocol", "Port", "DefaultActions"), this::createListener),
                action("DescribeListeners", Set.of("LoadBalancerArn", "ListenerArns", "Marker", "PageSize"), this::describeListeners),
                action("DeleteListener", Set.of("ListenerArn"), this::deleteListener),
                action("CreateRule", Set.of("ListenerArn", "Conditions", "Priority", "Actions"), this::createRule),
                action("DescribeRules", Set.of("ListenerArn", "RuleArns", "Marker", "PageSize"), this::describeRules),
                action("DeleteRule", Set.of("RuleArn"), this::deleteRule),
                action("RegisterTargets", Set.of("TargetGroupArn", "Targets"), this::registerTargets),
                action("DeregisterTargets", Set.of("TargetGroupArn", "Targets"), this::deregisterTargets),
                action("DescribeTargetHealth", Set.of("TargetGroupArn", "Targets"), this::describeTargetHealth)));
    }

    /** The action, with the domain's refusals mapped to ELB's error codes. */
    private static QueryAction action(String name, Set<String> parameters, BiFunction<RequestContext, QueryArguments, XmlElement> handler)
    {
        return new QueryAction(name, parameters, (context, arguments) -> {
            try {
                return handler.apply(context, arguments);
            }
            catch (LoadBalancingException e) {
                throw new EcsException(errorCode(e.kind()), e.getMessage());
            }
        });
    }

    static String errorCode(LoadBalancingException.Kind kind)
    {
        return switch (kind) {
            case LOAD_BALANCER_NOT_FOUND -> "LoadBalancerNotFound";
            case DUPLICATE_LOAD_BALANCER_NAME -> "DuplicateLoadBalancerName";
            case TOO_MANY_LOAD_BALANCERS -> "TooManyLoadBalancers";
            case TARGET_GROUP_NOT_FOUND -> "TargetGroupNotFound";
            case DUPLICATE_TARGET_GROUP_NAME -> "DuplicateTargetGroupName";
            case LISTENER_NOT_FOUND -> "ListenerNotFound";
            case DUPLICATE_LISTENER -> "DuplicateListener";
            case RULE_NOT_FOUND -> "RuleNotFound";
            case PRIORITY_IN_USE -> "PriorityInUse";
            case RESOURCE_IN_USE -> "ResourceInUse";
            case INVALID_TARGET -> "InvalidTarget";
            case INVALID_CONFIGURATION -> "InvalidConfigurationRequest";
            case VALIDATION -> QueryArguments.VALIDATION_ERROR;
        };
    }

    // --- load balancers

    private XmlElement createLoadBalancer(RequestContext context, QueryArguments arguments)
    {
        only(arguments, "Type", "application", "Berth serves application load balancers only");
        only(arguments, "Scheme", "internet-facing", "Berth's load balancers are reached at their DNSName from wherever the ingress address is routed");
        only(arguments, "IpAddressType", "ipv4", "Berth's load balancers have IPv4 addresses only");
        for (String subnet : arguments.strings("Subnets")) {
            if (!TaskNetworkVpc.SUBNET_ID.equals(subnet)) {
                throw validation("Subnets '" + subnet + "' is not supported: Berth's load balancers are in one subnet of its task network, whose id is "
                        + TaskNetworkVpc.SUBNET_ID + " (Subnets " + TaskNetworkVpc.SUBNET_ID + ").");
            }
        }
        LoadBalancer created = loadBalancing.createLoadBalancer(context.account().accountId(), context.region(), arguments.requiredString("Name"));
        return QueryAction.result("CreateLoadBalancer").addList("LoadBalancers", List.of(created), loadBalancer -> loadBalancer(loadBalancer, context.region()));
    }

    private XmlElement describeLoadBalancers(RequestContext context, QueryArguments arguments)
    {
        List<LoadBalancer> found = loadBalancing.describeLoadBalancers(context.account().accountId(), arguments.strings("LoadBalancerArns"), arguments.strings("Names"));
        return paged(QueryAction.result("DescribeLoadBalancers"), arguments, "LoadBalancers", found, loadBalancer -> loadBalancer(loadBalancer, context.region()));
    }

    private XmlElement deleteLoadBalancer(RequestContext context, QueryArguments arguments)
    {
        loadBalancing.deleteLoadBalancer(context.account().accountId(), arguments.requiredString("LoadBalancerArn"));
        return QueryAction.result("DeleteLoadBalancer");
    }

    /** region: the request's, whose zone "REGION" + "a" Berth reports for its one subnet, as it does for tasks. */
    private static XmlElement loadBalancer(LoadBalancer loadBalancer, String region)
    {
        return XmlElement.member()
                .add("LoadBalancerArn", loadBalancer.arn())
                .add("DNSName", loadBalancer.address())
                .add("CreatedTime", loadBalancer.createdAt())
                .add("LoadBalancerName", loadBalancer.name())
                .add("Scheme", "internet-facing")
                .add(XmlElement.of("State").add("Code", "active"))
                .add("Type", "application")
                .add("VpcId", TaskNetworkVpc.ID)
                .addList("AvailabilityZones", List.of(TaskNetworkVpc.SUBNET_ID), subnet -> XmlElement.member()
                        .add("ZoneName", region.toLowerCase(java.util.Locale.ROOT) + "a")
                        .add("SubnetId", subnet))
                .add("IpAddressType", "ipv4");
    }

    // --- target groups

    private XmlElement createTargetGroup(RequestContext context, QueryArguments arguments)
    {
        only(arguments, "Protocol", "HTTP", "Berth's target groups speak HTTP");
        arguments.requiredString("Protocol");
        only(arguments, "ProtocolVersion", "HTTP1", "Berth's target groups speak HTTP/1.1");
        only(arguments, "TargetType", "ip", "Berth's targets are task addresses: give TargetType ip");
        arguments.requiredString("TargetType");
        only(arguments, "HealthCheckProtocol", "HTTP", "health checks are HTTP");
        only(arguments, "HealthCheckPort", "traffic-port", "health checks go to the target's own port");
        only(arguments, "HealthCheckEnabled", "true", "every target group is health checked");
        only(arguments, "IpAddressType", "ipv4", "targets are IPv4 addresses");
        only(arguments, "VpcId", TaskNetworkVpc.ID, "Berth has one VPC, its task network, whose id is " + TaskNetworkVpc.ID);
        QueryArguments matcher = arguments.structure("Matcher").requireOnly(Set.of("HttpCode"), "Matcher");
        HealthCheck defaults = HealthCheck.DEFAULT;
        HealthCheck healthCheck = new HealthCheck(
                orDefault(arguments.string("HealthCheckPath"), defaults.path()),
                orDefault(arguments.integer("HealthCheckIntervalSeconds"), defaults.intervalSeconds()),
                orDefault(arguments.integer("HealthCheckTimeoutSeconds"), defaults.timeoutSeconds()),
                orDefault(arguments.integer("HealthyThresholdCount"), defaults.healthyThreshold()),
                orDefault(arguments.integer("UnhealthyThresholdCount"), defaults.unhealthyThreshold()),
                orDefault(matcher.string("HttpCode"), defaults.matcher()));
        TargetGroup created = loadBalancing.createTargetGroup(context.account().accountId(), context.region(), arguments.requiredString("Name"),
                arguments.requiredInteger("Port"), healthCheck);
        return QueryAction.result("CreateTargetGroup").addList("TargetGroups", List.of(created), group -> targetGroup(group, List.of()));
    }

    private XmlElement describeTargetGroups(RequestContext context, QueryArguments arguments)
    {
        String accountId = context.account().accountId();
        List<TargetGroup> found = loadBalancing.describeTargetGroups(accountId, arguments.string("LoadBalancerArn"), arguments.strings("TargetGroupArns"), arguments.strings("Names"));
        return paged(QueryAction.result("DescribeTargetGroups"), arguments, "TargetGroups", found,
                group -> targetGroup(group, loadBalancing.loadBalancersOf(accountId, group.arn())));
    }

    private XmlElement deleteTargetGroup(RequestContext context, QueryArguments arguments)
    {
        loadBalancing.deleteTargetGroup(context.account().accountId(), arguments.requiredString("TargetGroupArn"));
        return QueryAction.result("DeleteTargetGroup");
    }

    private XmlElement modifyTargetGroupAttributes(RequestContext context, QueryArguments arguments)
    {
        String arn = arguments.requiredString("TargetGroupArn");
        List<QueryArguments> attributes = arguments.list("Attributes");
        if (attributes.isEmpty()) {
            throw validation("Attributes must name at least one attribute");
        }
        Integer delay = null;
        for (QueryArguments attribute : attributes) {
            attribute.requireOnly(Set.of("Key", "Value"), "Attributes");
            String key = attribute.requiredString("Key");
            if (!key.equals(DEREGISTRATION_DELAY)) {
                throw validation("Berth does not support the target group attribute '" + key + "'; it takes " + DEREGISTRATION_DELAY);
            }
            try {
                delay = Integer.parseInt(attribute.requiredString("Value"));
            }
            catch (NumberFormatException e) {
                throw validation(DEREGISTRATION_DELAY + " must be a number of seconds, got '" + attribute.string("Value") + "'");
            }
        }
        TargetGroup changed = loadBalancing.setDeregistrationDelay(context.account().accountId(), arn, delay);
        return attributes(QueryAction.result("ModifyTargetGroupAttributes"), changed);
    }

    private XmlElement describeTargetGroupAttributes(RequestContext context, QueryArguments arguments)
    {
        TargetGroup group = loadBalancing.targetGroup(context.account().accountId(), arguments.requiredString("TargetGroupArn"));
        return attributes(QueryAction.result("DescribeTargetGroupAttributes"), group);
    }

    private static XmlElement attributes(XmlElement result, TargetGroup group)
    {
        return result.addList("Attributes", List.of(group), value -> XmlElement.member()
                .add("Key", DEREGISTRATION_DELAY)
                .add("Value", Integer.toString(value.deregistrationDelaySeconds())));
    }

    private static XmlElement targetGroup(TargetGroup group, List<String> loadBalancerArns)
    {
        HealthCheck check = group.healthCheck();
        return XmlElement.member()
                .add("TargetGroupArn", group.arn())
                .add("TargetGroupName", group.name())
                .add("Protocol", "HTTP")
                .add("Port", group.port())
                .add("HealthCheckProtocol", "HTTP")
                .add("HealthCheckPort", "traffic-port")
                .add("HealthCheckEnabled", true)
                .add("HealthCheckIntervalSeconds", check.intervalSeconds())
                .add("HealthCheckTimeoutSeconds", check.timeoutSeconds())
                .add("HealthyThresholdCount", check.healthyThreshold())
                .add("UnhealthyThresholdCount", check.unhealthyThreshold())
                .add("HealthCheckPath", check.path())
                .add(XmlElement.of("Matcher").add("HttpCode", check.matcher()))
                .addStrings("LoadBalancerArns", loadBalancerArns)
                .add("TargetType", "ip")
                .add("VpcId", TaskNetworkVpc.ID)
                .add("ProtocolVersion", "HTTP1")
                .add("IpAddressType", "ipv4");
    }

    // --- listeners and rules

    private XmlElement createListener(RequestContext context, QueryArguments arguments)
    {
        only(arguments, "Protocol", "HTTP", "Berth's listeners speak HTTP");
        String targetGroupArn = forwardTarget(arguments, "DefaultActions");
        Listener created = loadBalancing.createListener(context.account().accountId(), context.region(), arguments.requiredString("LoadBalancerArn"),
                arguments.requiredInteger("Port"), targetGroupArn);
        return QueryAction.result("CreateListener").addList("Listeners", List.of(created), ElbActions::listener);
    }

    private XmlElement describeListeners(RequestContext context, QueryArguments arguments)
    {
        String loadBalancerArn = arguments.string("LoadBalancerArn");
        List<String> arns = arguments.strings("ListenerArns");
        if ((loadBalancerArn == null) == arns.isEmpty()) {
            throw validation("Give either LoadBalancerArn or ListenerArns");
        }
        List<Listener> found = loadBalancing.describeListeners(context.account().accountId(), loadBalancerArn, arns);
        return paged(QueryAction.result("DescribeListeners"), arguments, "Listeners", found, ElbActions::listener);
    }

    private XmlElement deleteListener(RequestContext context, QueryArguments arguments)
    {
        loadBalancing.deleteListener(context.account().accountId(), arguments.requiredString("ListenerArn"));
        return QueryAction.result("DeleteListener");
    }

    private static XmlElement listener(Listener listener)
    {
        return XmlElement.member()
                .add("ListenerArn", listener.arn())
                .add("LoadBalancerArn", listener.loadBalancerArn())
                .add("Port", listener.port())
                .add("Protocol", "HTTP")
                .addList("DefaultActions", List.of(listener.defaultTargetGroupArn()), ElbActions::forwardAction);
    }

    private XmlElement createRule(RequestContext context, QueryArguments arguments)
    {
        String targetGroupArn = forwardTarget(arguments, "Actions");
        List<String> paths = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        for (QueryArguments condition : arguments.list("Conditions")) {
            condition.requireOnly(Set.of("Field", "Values", "PathPatternConfig", "HostHeaderConfig"), "Conditions");
            String field = condition.requiredString("Field");
            List<String> values = new ArrayList<>(condition.strings("Values"));
            switch (field) {
                case "path-pattern" -> {
                    condition.requireOnly(Set.of("Field", "Values", "PathPatternConfig"), "a path-pattern condition");
                    values.addAll(condition.structure("PathPatternConfig").requireOnly(Set.of("Values"), "PathPatternConfig").strings("Values"));
                    paths.addAll(values);
                }
                case "host-header" -> {
                    condition.requireOnly(Set.of("Field", "Values", "HostHeaderConfig"), "a host-header condition");
                    values.addAll(condition.structure("HostHeaderConfig").requireOnly(Set.of("Values"), "HostHeaderConfig").strings("Values"));
                    hosts.addAll(values);
                }
                default -> throw validation("Berth supports the rule conditions path-pattern and host-header, not '" + field + "'");
            }
            if (values.isEmpty()) {
                throw validation("A " + field + " condition needs at least one value");
            }
        }
        ListenerRule created = loadBalancing.createRule(context.account().accountId(), context.region(), arguments.requiredString("ListenerArn"),
                arguments.requiredInteger("Priority"), paths, hosts, targetGroupArn);
        return QueryAction.result("CreateRule").addList("Rules", List.of(created), ElbActions::rule);
    }

    private XmlElement describeRules(RequestContext context, QueryArguments arguments)
    {
        String accountId = context.account().accountId();
        String listenerArn = arguments.string("ListenerArn");
        List<String> arns = arguments.strings("RuleArns");
        if ((listenerArn == null) == arns.isEmpty()) {
            throw validation("Give either ListenerArn or RuleArns");
        }
        List<XmlElement> members = new ArrayList<>(loadBalancing.describeRules(accountId, listenerArn, arns).stream().map(ElbActions::rule).toList());
        if (listenerArn != null) {
            Listener listener = loadBalancing.describeListeners(accountId, null, List.of(listenerArn)).getFirst();
            members.add(XmlElement.member()
                    .add("RuleArn", listener.arn().replaceFirst(":listener/", ":listener-rule/") + "/default")
                    .add("Priority", "default")
                    .add(XmlElement.of("Conditions"))
                    .addList("Actions", List.of(listener.defaultTargetGroupArn()), ElbActions::forwardAction)
                    .add("IsDefault", true));
        }
        return paged(QueryAction.result("DescribeRules"), arguments, "Rules", members, member -> member);
    }

    private XmlElement deleteRule(RequestContext context, QueryArguments arguments)
    {
        loadBalancing.deleteRule(context.account().accountId(), arguments.requiredString("RuleArn"));
        return QueryAction.result("DeleteRule");
    }

    private static XmlElement rule(ListenerRule rule)
    {
        List<XmlElement> conditions = new ArrayList<>();
        if (!rule.pathPatterns().isEmpty()) {
            conditions.add(XmlElement.member().add("Field", "path-pattern").addStrings("Values", rule.pathPatterns())
                    .add(XmlElement.of("PathPatternConfig").addStrings("Values", rule.pathPatterns())));
        }
        if (!rule.hostHeaders().isEmpty()) {
            conditions.add(XmlElement.member().add("Field", "host-header").addStrings("Values", rule.hostHeaders())
                    .add(XmlElement.of("HostHeaderConfig").addStrings("Values", rule.hostHeaders())));
        }
        return XmlElement.member()
                .add("RuleArn", rule.arn())
                .add("Priority", Integer.toString(rule.priority()))
                .addList("Conditions", conditions, condition -> condition)
                .addList("Actions", List.of(rule.targetGroupArn()), ElbActions::forwardAction)
                .add("IsDefault", false);
    }

    private static XmlElement forwardAction(String targetGroupArn)
    {
        return XmlElement.member()
                .add("Type", "forward")
                .add("TargetGroupArn", targetGroupArn)
                .add(XmlElement.of("ForwardConfig").addList("TargetGroups", List.of(targetGroupArn),
                        arn -> XmlElement.member().add("TargetGroupArn", arn).add("Weight", 1)));
    }

    /** The one forward action of the list: its target group, from TargetGroupArn or a ForwardConfig of one group. */
    private static String forwardTarget(QueryArguments arguments, String name)
    {
        List<QueryArguments> actions = arguments.list(name);
        if (actions.size() != 1) {
            throw validation(name + " must hold exactly one action (a forward to one target group), got " + actions.size());
        }
        QueryArguments action = actions.getFirst().requireOnly(Set.of("Type", "TargetGroupArn", "ForwardConfig", "Order"), name);
        if (!"forward".equals(action.requiredString("Type"))) {
            throw validation("Berth supports the action type forward, not '" + action.string("Type") + "'");
        }
        String direct = action.string("TargetGroupArn");
        QueryArguments config = action.structure("ForwardConfig").requireOnly(Set.of("TargetGroups"), "ForwardConfig");
        List<QueryArguments> groups = config.isEmpty() ? List.of() : config.list("TargetGroups");
        if (groups.size() > 1) {
            throw validation("Berth forwards to one target group per action; weighted ForwardConfig with " + groups.size() + " groups is not supported");
        }
        String configured = groups.isEmpty() ? null : groups.getFirst().requireOnly(Set.of("TargetGroupArn", "Weight"), "ForwardConfig.TargetGroups").requiredString("TargetGroupArn");
        if (direct != null && configured != null && !direct.equals(configured)) {
            throw validation("TargetGroupArn and ForwardConfig name different target groups");
        }
        String targetGroupArn = direct != null ? direct : configured;
        if (targetGroupArn == null) {
            throw validation("A forward action needs a TargetGroupArn");
        }
        return targetGroupArn;
    }

    // --- targets

    private XmlElement registerTargets(RequestContext context, QueryArguments arguments)
    {
        String arn = arguments.requiredString("TargetGroupArn");
        targets.register(context.account().accountId(), arn, targets(context, arguments, arn));
        return QueryAction.result("RegisterTargets");
    }

    private XmlElement deregisterTargets(RequestContext context, QueryArguments arguments)
    {
        String arn = arguments.requiredString("TargetGroupArn");
        targets.deregister(context.account().accountId(), arn, targets(context, arguments, arn));
        return QueryAction.result("DeregisterTargets");
    }

    private XmlElement describeTargetHealth(RequestContext context, QueryArguments arguments)
    {
        String arn = arguments.requiredString("TargetGroupArn");
        List<TargetHealth> health = targets.health(context.account().accountId(), arn, targets(context, arguments, arn));
        return QueryAction.result("DescribeTargetHealth").addList("TargetHealthDescriptions", health, description -> XmlElement.member()
                .add(XmlElement.of("Target").add("Id", description.target().id()).add("Port", description.target().port()))
                .add("HealthCheckPort", Integer.toString(description.target().port()))
                .add(XmlElement.of("TargetHealth")
                        .add("State", description.state())
                        .add("Reason", description.reason())
                        .add("Description", description.description())));
    }

    private List<Target> targets(RequestContext context, QueryArguments arguments, String targetGroupArn)
    {
        List<QueryArguments> members = arguments.list("Targets");
        if (members.isEmpty()) {
            return List.of();
        }
        int defaultPort = loadBalancing.targetGroup(context.account().accountId(), targetGroupArn).port();
        return members.stream()
                .map(member -> member.requireOnly(Set.of("Id", "Port"), "Targets"))
                .map(member -> new Target(member.requiredString("Id"), orDefault(member.integer("Port"), defaultPort)))
                .toList();
    }

    // --- helpers

    private static <T> XmlElement paged(XmlElement result, QueryArguments arguments, String listName, List<T> all, java.util.function.Function<T, XmlElement> member)
    {
        int pageSize = orDefault(arguments.integer("PageSize"), MAX_PAGE_SIZE);
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw validation("PageSize must be between 1 and " + MAX_PAGE_SIZE + ", got " + pageSize);
        }
        int offset = 0;
        String marker = arguments.string("Marker");
        if (marker != null) {
            try {
                offset = Integer.parseInt(marker);
            }
            catch (NumberFormatException e) {
                offset = -1;
            }
            if (offset < 0 || offset > all.size()) {
                throw validation("Marker '" + marker + "' is not one this API gave");
            }
        }
        int end = Math.min(all.size(), offset + pageSize);
        result.addList(listName, all.subList(offset, end), member);
        if (end < all.size()) {
            result.add("NextMarker", Integer.toString(end));
        }
        return result;
    }

    /** Refuses a value of name other than the one Berth supports (absent is fine: that is the default). */
    private static void only(QueryArguments arguments, String name, String supported, String why)
    {
        String value = arguments.string(name);
        if (value != null && !value.equals(supported)) {
            throw validation(name + " '" + value + "' is not supported: " + why + " (" + name + " " + supported + ").");
        }
    }

    private static <T> T orDefault(T value, T fallback)
    {
        return value == null ? fallback : value;
    }
}
