package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClientConfig;
import io.berth.cli.client.BerthClientFactory;
import io.berth.cli.client.BerthClient;
import io.berth.common.json.Json;
import io.berth.common.sigv4.SigV4Credentials;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.accounts.Account;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.http.ApiServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A small in-memory ECS behind a real ApiServer. A task "runs" its command: each argument "out:TEXT" or
 * "err:TEXT" is a log line, "exit:N" its exit code, "pullfail" makes it fail to start, "forever" keeps it
 * running until stopped. A task stops on its second DescribeTasks; its log is served one line per call.
 */
final class FakeEcs
        implements AutoCloseable
{
    static final Account ACCOUNT = new Account("123456789012", "test", true);
    static final AccessKey KEY = new AccessKey("AKIDCLI", "cli-secret", ACCOUNT);

    final Map<String, List<ObjectNode>> taskDefinitions = new LinkedHashMap<>();
    final Map<String, FakeTask> tasks = new LinkedHashMap<>();
    final List<String> egressRequests = new ArrayList<>();
    final List<String> describeTaskDefinitionRequests = new ArrayList<>();
    final List<String> limitsRequests = new ArrayList<>();

    final List<String> isolationRequests = new ArrayList<>();
    final ApiServer server;
    private final Clock clock;
    private int nextTaskNumber = 1;

    static final class FakeTask
    {
        final String arn;
        final String taskDefinitionArn;
        final String containerName;
        final String image;
        final Instant createdAt;
        final List<String[]> lines = new ArrayList<>();
        Integer exitCode = 0;
        boolean forever;
        /** Its log names the container's exit once every line is read, while DescribeTasks never shows it stopped (the task's cleanup, slow). */
        boolean exitsBeforeItStops;
        boolean pullFails;
        boolean stopped;
        String stopCode;
        String stoppedReason;
        int describeCount;

        FakeTask(String arn, String taskDefinitionArn, String containerName, String image, Instant createdAt)
        {
            this.arn = arn;
            this.taskDefinitionArn = taskDefinitionArn;
            this.containerName = containerName;
            this.image = image;
            this.createdAt = createdAt;
        }
    }

    FakeEcs(Clock clock)
    {
        this.clock = clock;
        server = new ApiServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                accessKeyId -> accessKeyId.equals(KEY.accessKeyId()) ? Optional.of(KEY) : Optional.empty(),
                List.of(
                        action("RegisterTaskDefinition", this::registerTaskDefinition),
                        action("DescribeTaskDefinition", this::describeTaskDefinition),
                        action("RunTask", this::runTask),
                        action("DescribeTasks", this::describeTasks),
                        action("ListTasks", this::listTasks),
                        action("StopTask", this::stopTask)),
                List.of(
                        new LambdaAdminEndpoint("GET", "/berth/tasks/{taskId}/logs", this::logs),
                        new LambdaAdminEndpoint("POST", "/berth/accounts", this::createAccount),
                        new LambdaAdminEndpoint("PUT", "/berth/accounts/{accountId}/egress", this::setEgress),
                        new LambdaAdminEndpoint("PUT", "/berth/accounts/{accountId}/limits", this::setLimits),
                        new LambdaAdminEndpoint("PUT", "/berth/accounts/{accountId}/isolation", this::setIsolation)),
                clock);
        server.start();
    }

    BerthClientFactory clients()
    {
        java.net.URI endpoint = server.endpoint();
        return (endpointOverride, region) -> new BerthClient(
                new BerthClientConfig(endpoint, new SigV4Credentials(KEY.accessKeyId(), KEY.secretAccessKey()), region.orElse("us-east-1")),
                clock);
    }

    @Override
    public void close()
    {
        server.close();
    }

    private synchronized JsonNode registerTaskDefinition(RequestContext context, JsonNode request)
    {
        String family = request.path("family").asText();
        List<ObjectNode> revisions = taskDefinitions.computeIfAbsent(family, ignored -> new ArrayList<>());
        ObjectNode definition = ((ObjectNode) request).deepCopy();
        int revision = revisions.size() + 1;
        definition.put("revision", revision);
        definition.put("status", "ACTIVE");
        definition.put("taskDefinitionArn", "arn:aws:ecs:" + context.region() + ":" + context.account().accountId() + ":task-definition/" + family + ":" + revision);
        revisions.add(definition);
        ObjectNode response = Json.mapper().createObjectNode();
        response.set("taskDefinition", definition);
        return response;
    }

    private synchronized JsonNode describeTaskDefinition(RequestContext context, JsonNode request)
    {
        describeTaskDefinitionRequests.add(request.path("taskDefinition").asText());
        ObjectNode response = Json.mapper().createObjectNode();
        response.set("taskDefinition", findTaskDefinition(request.path("taskDefinition").asText()));
        return response;
    }

    private ObjectNode findTaskDefinition(String name)
    {
        String familyAndRevision = name.substring(name.lastIndexOf('/') + 1);
        int colon = familyAndRevision.lastIndexOf(':');
        String family = colon < 0 ? familyAndRevision : familyAndRevision.substring(0, colon);
        List<ObjectNode> revisions = taskDefinitions.get(family);
        if (revisions == null) {
            throw EcsException.clientException("Unable to describe task definition.");
        }
        return colon < 0 ? revisions.getLast() : revisions.get(Integer.parseInt(familyAndRevision.substring(colon + 1)) - 1);
    }

    private synchronized JsonNode runTask(RequestContext context, JsonNode request)
    {
        String cluster = cluster(request);
        ObjectNode definition = findTaskDefinition(request.path("taskDefinition").asText());
        if (!definition.path("status").asText().equals("ACTIVE")) {
            throw EcsException.clientException("TaskDefinition is inactive: " + definition.path("taskDefinitionArn").asText());
        }
        JsonNode container = definition.path("containerDefinitions").get(0);
        // 32 hex digits as in ECS, with short ids that differ (all start with "a", to test ambiguous prefixes)
        String id = String.format("a%07x", nextTaskNumber++ * 0x9E3779B1L & 0xfffffffL).repeat(4);
        FakeTask task = new FakeTask(
                "arn:aws:ecs:" + context.region() + ":" + context.account().accountId() + ":task/" + cluster + "/" + id,
                definition.path("taskDefinitionArn").asText(),
                container.path("name").asText(),
                container.path("image").asText(),
                clock.instant());
        JsonNode override = request.path("overrides").path("containerOverrides").path(0);
        for (JsonNode variable : override.path("environment")) {
            task.lines.add(new String[] {"stdout", "env " + variable.path("name").asText() + "=" + variable.path("value").asText()});
        }
        for (JsonNode argument : override.path("command")) {
            String text = argument.asText();
            if (text.startsWith("out:")) {
                task.lines.add(new String[] {"stdout", text.substring(4)});
            }
            else if (text.startsWith("err:")) {
                task.lines.add(new String[] {"stderr", text.substring(4)});
            }
            else if (text.startsWith("exit:")) {
                task.exitCode = Integer.parseInt(text.substring(5));
            }
            else if (text.equals("pullfail")) {
                task.pullFails = true;
            }
            else if (text.equals("forever")) {
                task.forever = true;
            }
            else if (text.equals("exits-before-it-stops")) {
                task.forever = true;
                task.exitsBeforeItStops = true;
            }
            else if (text.equals("--")) {
                // as a real container whose command is "--", which is no executable: it never starts
                throw new IllegalArgumentException("the fake task cannot run command '--'");
            }
        }
        tasks.put(task.arn, task);
        ObjectNode response = Json.mapper().createObjectNode();
        response.putArray("tasks").add(render(task));
        response.putArray("failures");
        return response;
    }

    private synchronized JsonNode describeTasks(RequestContext context, JsonNode request)
    {
        cluster(request);
        ObjectNode response = Json.mapper().createObjectNode();
        ArrayNode described = response.putArray("tasks");
        ArrayNode failures = response.putArray("failures");
        for (JsonNode name : request.path("tasks")) {
            FakeTask task = find(name.asText());
            if (task == null) {
                failures.addObject().put("arn", name.asText()).put("reason", "MISSING");
                continue;
            }
            task.describeCount++;
            if (!task.forever && !task.stopped && task.describeCount >= 2) {
                task.stopped = true;
                if (task.pullFails) {
                    task.exitCode = null;
                    task.stopCode = "TaskFailedToStart";
                    task.stoppedReason = "CannotPullContainerError: " + task.image + ": not found";
                }
                else {
                    task.stopCode = "EssentialContainerExited";
                    task.stoppedReason = "Essential container in task exited";
                }
            }
            described.add(render(task));
        }
        return response;
    }

    private synchronized JsonNode listTasks(RequestContext context, JsonNode request)
    {
        cluster(request);
        boolean stopped = request.path("desiredStatus").asText("RUNNING").equals("STOPPED");
        ObjectNode response = Json.mapper().createObjectNode();
        ArrayNode arns = response.putArray("taskArns");
        tasks.values().stream().filter(task -> task.stopped == stopped).forEach(task -> arns.add(task.arn));
        return response;
    }

    private synchronized JsonNode stopTask(RequestContext context, JsonNode request)
    {
        cluster(request);
        FakeTask task = find(request.path("task").asText());
        if (task == null) {
            throw EcsException.invalidParameter("The referenced task was not found.");
        }
        if (!task.stopped) {
            task.stopped = true;
            task.exitCode = 143;
            task.stopCode = "UserInitiated";
            task.stoppedReason = request.path("reason").asText("Task stopped by user");
        }
        ObjectNode response = Json.mapper().createObjectNode();
        response.set("task", render(task));
        return response;
    }

    private synchronized JsonNode logs(RequestContext context, Map<String, String> path, Map<String, String> query, JsonNode body)
    {
        FakeTask task = find(path.get("taskId"));
        if (task == null) {
            throw EcsException.invalidParameter("No task " + path.get("taskId"));
        }
        int index = Integer.parseInt(query.getOrDefault("nextToken", "0"));
        ObjectNode response = Json.mapper().createObjectNode();
        ArrayNode lines = response.putArray("lines");
        if (index < task.lines.size()) {
            String[] line = task.lines.get(index);
            lines.addObject()
                    .put("time", task.createdAt.getEpochSecond())
                    .put("container", task.containerName)
                    .put("stream", line[0])
                    .put("text", line[1]);
            index++;
        }
        response.put("nextToken", String.valueOf(index));
        boolean exited = task.exitsBeforeItStops && index == task.lines.size();
        response.put("complete", (task.stopped || exited) && index == task.lines.size());
        if (exited) {
            response.put("taskStatus", "DEPROVISIONING");
            response.putArray("containers").addObject().put("name", task.containerName).put("lastStatus", "STOPPED").put("exitCode", task.exitCode);
        }
        return response;
    }

    private JsonNode createAccount(RequestContext context, Map<String, String> path, Map<String, String> query, JsonNode body)
    {
        if (!context.account().operator()) {
            throw EcsException.accessDenied("Only the operator may create accounts");
        }
        ObjectNode response = Json.mapper().createObjectNode();
        response.put("accountId", "210987654321");
        response.put("name", body.path("name").asText());
        response.put("isolation", body.path("isolation").asText("container"));
        response.put("accessKeyId", "AKIDNEW" + body.path("name").asText().toUpperCase());
        response.put("secretAccessKey", "new-secret");
        return response;
    }

    /** Echoes the request as the real endpoint does, after checking the account and the choice. */
    private JsonNode setEgress(RequestContext context, Map<String, String> path, Map<String, String> query, JsonNode body)
    {
        if (!path.get("accountId").equals("210987654321")) {
            throw EcsException.resourceNotFound("No account " + path.get("accountId") + " exists; use the 12-digit account id that `berth account create` printed.");
        }
        egressRequests.add(body.toString());
        ObjectNode response = Json.mapper().createObjectNode();
        response.put("accountId", path.get("accountId"));
        response.set("egress", body);
        return response;
    }

    /** Echoes the tier as the real endpoint does; an unknown tier is an InvalidParameterException there too. */
    private JsonNode setIsolation(RequestContext context, Map<String, String> path, Map<String, String> query, JsonNode body)
    {
        isolationRequests.add(body.toString());
        String tier = body.path("isolation").asText();
        if (!tier.equals("container") && !tier.equals("sandbox")) {
            throw EcsException.invalidParameter("isolation must be one of container, sandbox, got '" + tier + "'.");
        }
        ObjectNode response = Json.mapper().createObjectNode();
        response.put("accountId", path.get("accountId"));
        response.put("isolation", tier);
        return response;
    }

    /** Answers as the control plane does for an account with only maxTasks and rate of its own. */
    private JsonNode setLimits(RequestContext context, Map<String, String> path, Map<String, String> query, JsonNode body)
    {
        limitsRequests.add(body.toString());
        ObjectNode response = Json.mapper().createObjectNode();
        response.put("accountId", path.get("accountId"));
        response.put("maxVcpu", 16.0);
        response.put("maxTasks", body.path("maxTasks").asLong(0));
        response.put("maxWaiting", 0);
        response.put("rate", body.path("rate").asDouble(0));
        response.putArray("defaults").add("maxVcpu").add("maxWaiting");
        return response;
    }

    private FakeTask find(String arnOrId)
    {
        String id = arnOrId.substring(arnOrId.lastIndexOf('/') + 1);
        return tasks.values().stream().filter(task -> task.arn.endsWith("/" + id)).findFirst().orElse(null);
    }

    private static String cluster(JsonNode request)
    {
        String cluster = request.path("cluster").asText("default");
        if (cluster.equals("nowhere")) {
            throw EcsException.clusterNotFound("Cluster not found.");
        }
        return cluster;
    }

    private ObjectNode render(FakeTask task)
    {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("taskArn", task.arn);
        node.put("taskDefinitionArn", task.taskDefinitionArn);
        node.put("lastStatus", task.stopped ? "STOPPED" : "RUNNING");
        node.put("desiredStatus", task.stopped ? "STOPPED" : "RUNNING");
        node.put("createdAt", task.createdAt.toEpochMilli() / 1000.0);
        if (task.stopped) {
            node.put("stopCode", task.stopCode);
            node.put("stoppedReason", task.stoppedReason);
        }
        ObjectNode container = node.putArray("containers").addObject();
        container.put("name", task.containerName);
        container.put("image", task.image);
        container.put("lastStatus", task.stopped ? "STOPPED" : "RUNNING");
        if (task.stopped && task.exitCode != null) {
            container.put("exitCode", task.exitCode);
        }
        return node;
    }

    private static EcsAction action(String name, BiFunction<RequestContext, JsonNode, JsonNode> handler)
    {
        return new EcsAction()
        {
            @Override
            public String name()
            {
                return name;
            }

            @Override
            public JsonNode handle(RequestContext context, JsonNode request)
            {
                return handler.apply(context, request);
            }
        };
    }
}
