package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClientException;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientConfig;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * berth run: registers (or reuses) a task definition for the image, starts one task, streams its output
 * and exits with its exit code, like docker run.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an image as a task, stream its output and exit with its exit code.")
public final class RunCommand
        extends ControlPlaneCommand
{
    /** The subnet id `berth run` names in its networkConfiguration: any id will do, Berth places tasks on its own task network. */
    static final String BERTH_SUBNET = "subnet-berth";

    /** docker run's exit code when the container could not be run at all. */
    static final int TASK_FAILED_EXIT_CODE = 125;
    static final Duration POLL_INTERVAL = Duration.ofMillis(300);
    /** How long one log read may wait on the control plane for the next line or the task's stop. */
    static final Duration FOLLOW_WAIT = Duration.ofSeconds(20);
    /** How long to wait for the last log lines after the task stopped, if the log never says it is complete. */
    static final Duration LOG_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    private static final Set<String> NOT_FOUND_TYPES = Set.of("ClientException", "InvalidParameterException");

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image reference, e.g. busybox or 127.0.0.1:5000/app:1")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "Command and arguments (put them after --)")
    List<String> command = new ArrayList<>();

    @Option(names = "--cpu", defaultValue = "256", description = "CPU: units (256), vCPU (0.25) or \"0.5 vCPU\" (default: ${DEFAULT-VALUE})")
    String cpu;

    @Option(names = "--memory", defaultValue = "512", description = "Memory: MiB (512) or \"1 GB\" (default: ${DEFAULT-VALUE})")
    String memory;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Environment variable (KEY alone copies it from this shell)")
    List<String> environment = new ArrayList<>();

    @Option(names = "--cluster", description = "Cluster (default: the default cluster)")
    String cluster;

    @Option(names = "--name", paramLabel = "FAMILY", description = "Task definition family (default: berth-run-<image name>)")
    String family;

    @Option(names = {"-d", "--detach"}, description = "Print the task ARN and return instead of streaming output")
    boolean detach;

    private final Interruptions interruptions;
    /** The caller's environment, for `-e KEY` (copy KEY from it): a daemon's own is not the caller's. */
    private final Map<String, String> callerEnvironment;

    public RunCommand(BerthClientFactory clients)
    {
        this(clients, Interruptions.jvmShutdown(), System.getenv());
    }

    public RunCommand(BerthClientFactory clients, Interruptions interruptions, Map<String, String> callerEnvironment)
    {
        super(clients);
        this.interruptions = requireNonNull(interruptions, "interruptions is null");
        this.callerEnvironment = Map.copyOf(callerEnvironment);
    }

    @Override
    public Integer call()
    {
        int cpuUnits;
        int memoryMiB;
        try {
            cpuUnits = TaskSizes.parseCpuUnits(cpu);
            memoryMiB = TaskSizes.parseMemoryMiB(memory);
        }
        catch (IllegalArgumentException e) {
            throw new CommandFailedException(e.getMessage());
        }
        String containerName = ImageNames.shortName(image);
        String taskFamily = family != null ? family : ImageNames.runFamily(image);
        Optional<String> clusterName = Optional.ofNullable(cluster);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        try (BerthClient client = connect()) {
            RunTaskDefinitions definitions = new RunTaskDefinitions(client);
            Optional<String> known = definitions.known(taskFamily, containerName, image, cpuUnits, memoryMiB);
            String taskArn;
            try {
                taskArn = runTask(client, clusterName, known.orElseGet(() -> definitions.ensure(taskFamily, containerName, image, cpuUnits, memoryMiB)), containerName);
            }
            catch (BerthClientException e) {
                if (known.isEmpty() || e.errorType().isEmpty()) {
                    throw e;
                }
                // refused, so nothing was started: the revision this process found earlier may be gone (deregistered,
                // deleted); look again, as a first run would
                definitions.forget(taskFamily, containerName, image, cpuUnits, memoryMiB);
                taskArn = runTask(client, clusterName, definitions.ensure(taskFamily, containerName, image, cpuUnits, memoryMiB), containerName);
            }
            if (detach) {
                out.println(taskArn);
                out.flush();
                return 0;
            }
            String started = taskArn;
            try (Interruptions.Registration stopOnInterrupt = interruptions.onInterrupt(() -> stopQuietly(client, clusterName, started, err))) {
                return follow(client, clusterName, started, containerName, out, err);
            }
        }
    }

    private String runTask(BerthClient client, Optional<String> clusterName, String taskDefinition, String containerName)
    {
        ObjectNode request = Json.mapper().createObjectNode();
        clusterName.ifPresent(value -> request.put("cluster", value));
        request.put("taskDefinition", taskDefinition);
        request.put("count", 1);
        request.put("launchType", "FARGATE");
        // Fargate requires a networkConfiguration for awsvpc tasks; Berth's task network needs no real subnet id
        request.putObject("networkConfiguration").putObject("awsvpcConfiguration").putArray("subnets").add(BERTH_SUBNET);
        List<String> containerCommand = containerCommand();
        if (!containerCommand.isEmpty() || !environment.isEmpty()) {
            ObjectNode override = request.putObject("overrides").putArray("containerOverrides").addObject();
            override.put("name", containerName);
            if (!containerCommand.isEmpty()) {
                containerCommand.forEach(override.putArray("command")::add);
            }
            if (!environment.isEmpty()) {
                ArrayNode variables = override.putArray("environment");
                for (String variable : environment) {
                    variables.addObject().put("name", variableName(variable)).put("value", variableValue(variable));
                }
            }
        }
        JsonNode response = client.ecs("RunTask", request);
        JsonNode task = response.path("tasks").path(0);
        if (task.isMissingNode()) {
            JsonNode failure = response.path("failures").path(0);
            throw new CommandFailedException("RunTask started no task: " + failure.path("reason").asText("no reason given")
                    + (failure.hasNonNull("detail") ? " (" + failure.path("detail").asText() + ")" : ""), TASK_FAILED_EXIT_CODE);
        }
        return task.path("taskArn").asText();
    }

    /** The command after IMAGE (after "--", which {@link RunArguments} puts where the command begins). */
    List<String> containerCommand()
    {
        return command;
    }

    /**
     * Prints the task's output until its log is complete and every container has exited with a code (as docker run
     * returns at the container's exit: the task's cleanup goes on without the caller), or else until it is STOPPED.
     * Each read waits on the control plane for the next line, the exits or the stop (one long call, not a poll); a
     * control plane that answers at once (or without the task's status) is polled as before.
     */
    private int follow(BerthClient client, Optional<String> clusterName, String taskArn, String containerName, PrintWriter out, PrintWriter err)
    {
        Optional<String> logCluster = clusterName.or(() -> TaskReference.parse(taskArn).cluster());
        TaskLogReader logs = new TaskLogReader(client, TaskReference.idOf(taskArn), logCluster);
        long stoppedAtNanos = 0;
        while (true) {
            long readStart = System.nanoTime();
            TaskLogReader.Page page = logs.printNext(out, err, FOLLOW_WAIT);
            OptionalInt exited = page.exitCodeOnceEveryContainerExited(containerName);
            if (exited.isPresent()) {
                return exited.getAsInt();
            }
            String status = page.taskStatus().orElseGet(() -> describe(client, clusterName, taskArn).path("lastStatus").asText());
            if ("STOPPED".equals(status)) {
                if (stoppedAtNanos == 0) {
                    stoppedAtNanos = System.nanoTime();
                }
                if (page.complete() || Duration.ofNanos(System.nanoTime() - stoppedAtNanos).compareTo(LOG_DRAIN_TIMEOUT) > 0) {
                    return exitCode(describe(client, clusterName, taskArn), containerName, err);
                }
            }
            boolean answeredAtOnce = Duration.ofNanos(System.nanoTime() - readStart).compareTo(POLL_INTERVAL) < 0;
            if (page.lineCount() == 0 && answeredAtOnce) {
                sleep(POLL_INTERVAL);
            }
        }
    }

    private static JsonNode describe(BerthClient client, Optional<String> clusterName, String taskArn)
    {
        return TaskDescriptions.describeOne(client, clusterName, taskArn)
                .orElseThrow(() -> new CommandFailedException("task " + taskArn + " has disappeared"));
    }

    static int exitCode(JsonNode task, String containerName, PrintWriter err)
    {
        Optional<JsonNode> container = TaskDescriptions.container(task, Optional.of(containerName))
                .or(() -> TaskDescriptions.container(task, Optional.empty()));
        if (container.isPresent() && container.get().path("exitCode").isNumber()) {
            return container.get().path("exitCode").asInt();
        }
        err.println("berth: task stopped: " + task.path("stopCode").asText("unknown") + ": " + task.path("stoppedReason").asText("no reason given"));
        err.flush();
        return TASK_FAILED_EXIT_CODE;
    }

    private static void stopQuietly(BerthClient client, Optional<String> clusterName, String taskArn, PrintWriter err)
    {
        err.println("berth: interrupted, stopping task " + TaskReference.idOf(taskArn));
        err.flush();
        try {
            ObjectNode request = Json.mapper().createObjectNode();
            clusterName.ifPresent(value -> request.put("cluster", value));
            request.put("task", taskArn);
            request.put("reason", "Interrupted by the user (berth run)");
            client.ecs("StopTask", request);
        }
        catch (BerthClientException e) {
            err.println("berth: could not stop task " + TaskReference.idOf(taskArn) + ": " + e.getMessage());
            err.flush();
        }
    }

    private static void sleep(Duration duration)
    {
        try {
            Thread.sleep(duration);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted", 130);
        }
    }

    private static String variableName(String variable)
    {
        int equals = variable.indexOf('=');
        String name = equals < 0 ? variable : variable.substring(0, equals);
        if (name.isEmpty()) {
            throw new CommandFailedException("environment variable '" + variable + "' has no name: use -e KEY=VALUE");
        }
        return name;
    }

    private String variableValue(String variable)
    {
        int equals = variable.indexOf('=');
        if (equals >= 0) {
            return variable.substring(equals + 1);
        }
        String value = callerEnvironment.get(variable);
        if (value == null) {
            throw new CommandFailedException("environment variable " + variable + " is not set in this shell: use -e " + variable + "=VALUE");
        }
        return value;
    }

    /**
     * Finds the latest revision of a family that already runs this image at this size, or registers one. What it found
     * is kept for the life of the process (the CLI daemon's: the next `berth run` of the image starts with RunTask), by
     * endpoint and caller: a revision never changes, and one that is gone makes RunTask refuse, which forgets it.
     */
    static final class RunTaskDefinitions
    {
        /** Beyond this many, the kept revisions are all forgotten: a daemon runs a few images, not thousands. */
        private static final int MAX_KEPT = 256;
        private static final Map<List<Object>, String> KEPT = new ConcurrentHashMap<>();

        private final BerthClient client;

        RunTaskDefinitions(BerthClient client)
        {
            this.client = client;
        }

        /** The revision this process found or registered for the same caller, image and size, if any. */
        Optional<String> known(String family, String containerName, String image, int cpuUnits, int memoryMiB)
        {
            return Optional.ofNullable(KEPT.get(key(family, containerName, image, cpuUnits, memoryMiB)));
        }

        void forget(String family, String containerName, String image, int cpuUnits, int memoryMiB)
        {
            KEPT.remove(key(family, containerName, image, cpuUnits, memoryMiB));
        }

        /** As a new process: tests that look at what a first run finds. */
        static void forgetAll()
        {
            KEPT.clear();
        }

        String ensure(String family, String containerName, String image, int cpuUnits, int memoryMiB)
        {
            String arn = find(family, containerName, image, cpuUnits, memoryMiB);
            if (KEPT.size() >= MAX_KEPT) {
                KEPT.clear();
            }
            KEPT.put(key(family, containerName, image, cpuUnits, memoryMiB), arn);
            return arn;
        }

        private List<Object> key(String family, String containerName, String image, int cpuUnits, int memoryMiB)
        {
            BerthClientConfig config = client.config();
            return List.of(config.endpoint().toString(), config.region(), config.credentials().accessKeyId(), family, containerName, image, cpuUnits, memoryMiB);
        }

        private String find(String family, String containerName, String image, int cpuUnits, int memoryMiB)
        {
            Optional<JsonNode> latest = latestRevision(family);
            if (latest.isPresent() && matches(latest.get(), containerName, image, cpuUnits, memoryMiB)) {
                return latest.get().path("taskDefinitionArn").asText();
            }
            ObjectNode request = Json.mapper().createObjectNode();
            request.put("family", family);
            request.put("networkMode", "awsvpc");
            request.putArray("requiresCompatibilities").add("FARGATE");
            request.put("cpu", String.valueOf(cpuUnits));
            request.put("memory", String.valueOf(memoryMiB));
            request.putArray("containerDefinitions").addObject()
                    .put("name", containerName)
                    .put("image", image)
                    .put("essential", true);
            return client.ecs("RegisterTaskDefinition", request).path("taskDefinition").path("taskDefinitionArn").asText();
        }

        private Optional<JsonNode> latestRevision(String family)
        {
            ObjectNode request = Json.mapper().createObjectNode();
            request.put("taskDefinition", family);
            try {
                JsonNode definition = client.ecs("DescribeTaskDefinition", request).path("taskDefinition");
                return definition.isObject() ? Optional.of(definition) : Optional.empty();
            }
            catch (BerthClientException e) {
                if (e.errorType().filter(NOT_FOUND_TYPES::contains).isPresent()) {
                    return Optional.empty();
                }
                throw e;
            }
        }

        static boolean matches(JsonNode definition, String containerName, String image, int cpuUnits, int memoryMiB)
        {
            JsonNode containers = definition.path("containerDefinitions");
            // a revision that does not require FARGATE (registered by hand, say) cannot run: register one that does
            if (containers.size() != 1
                    || !requiresFargate(definition)
                    || !"ACTIVE".equals(definition.path("status").asText("ACTIVE"))
                    || !String.valueOf(cpuUnits).equals(definition.path("cpu").asText())
                    || !String.valueOf(memoryMiB).equals(definition.path("memory").asText())) {
                return false;
            }
            JsonNode container = containers.get(0);
            return containerName.equals(container.path("name").asText())
                    && image.equals(container.path("image").asText())
                    && isEmpty(container.get("command"))
                    && isEmpty(container.get("entryPoint"))
                    && isEmpty(container.get("environment"))
                    && isEmpty(container.get("portMappings"))
                    && (container.path("cpu").asInt(0) == 0)
                    && isEmpty(container.get("memory"))
                    && isEmpty(container.get("memoryReservation"));
        }

        private static boolean requiresFargate(JsonNode definition)
        {
            for (JsonNode compatibility : definition.path("requiresCompatibilities")) {
                if ("FARGATE".equals(compatibility.asText())) {
                    return true;
                }
            }
            return false;
        }

        private static boolean isEmpty(JsonNode node)
        {
            return node == null || node.isNull() || (node.isContainerNode() && node.isEmpty()) || (node.isNumber() && node.asInt() == 0);
        }
    }
}
