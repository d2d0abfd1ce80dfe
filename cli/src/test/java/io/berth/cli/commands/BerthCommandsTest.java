package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The commands against a real ApiServer serving a fake in-memory ECS, wired as the top-level command will wire them. */
class BerthCommandsTest
{
    @Command(name = "berth", subcommands = {RunCommand.class, PsCommand.class, LogsCommand.class, StopCommand.class, ImageCommand.class, AccountCommand.class, BillCommand.class})
    static final class TestRoot
            implements Runnable
    {
        @Override
        public void run() {}
    }

    record Result(int exitCode, String out, String err) {}

    private FakeEcs ecs;

    @BeforeEach
    void start()
    {
        ecs = new FakeEcs(Clock.systemUTC());
    }

    @AfterEach
    void stop()
    {
        ecs.close();
    }

    private Result berth(String... args)
    {
        return berth(ecs.clients(), Optional.empty(), args);
    }

    private static Result berth(BerthClientFactory clients, Optional<ImageImport> imageImport, String... args)
    {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new TestRoot(), new BerthCommandFactory(clients, imageImport, Clock.systemUTC()));
        BerthCommands.configure(commandLine);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = BerthCommands.execute(commandLine, args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    @Test
    void subcommandListMatchesWhatTheFactoryBuilds()
    {
        assertThat(BerthCommands.subcommandClasses()).containsExactly(
                RunCommand.class, PsCommand.class, LogsCommand.class, StopCommand.class, ImageCommand.class, AccountCommand.class, BillCommand.class,
                HostCommand.class, ExplainCommand.class, EventsCommand.class);
    }

    @Test
    void runStreamsOutputAndExitsWithTheContainerExitCode()
    {
        Result result = berth("run", "busybox", "--", "out:hello", "err:oops", "out:bye", "exit:3");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.out()).isEqualTo("hello\nbye\n");
        assertThat(result.err()).isEqualTo("oops\n");
        JsonNode definition = ecs.taskDefinitions.get("berth-run-busybox").getFirst();
        assertThat(definition.path("cpu").asText()).isEqualTo("256");
        assertThat(definition.path("memory").asText()).isEqualTo("512");
        assertThat(definition.path("containerDefinitions").get(0).path("image").asText()).isEqualTo("busybox");
        assertThat(definition.path("requiresCompatibilities").toString()).isEqualTo("[\"FARGATE\"]");
    }

    @Test
    void runReturnsAtTheContainersExitWithoutWaitingForTheTaskToStop()
    {
        Result result = berth("run", "busybox", "--", "exits-before-it-stops", "out:hello", "exit:6");

        assertThat(result.exitCode()).isEqualTo(6);
        assertThat(result.out()).isEqualTo("hello\n");
        assertThat(result.err()).isEmpty();
        // the log's last page named the exit: no DescribeTasks was needed, and the task itself never showed STOPPED
        assertThat(ecs.tasks.values()).singleElement().satisfies(task -> {
            assertThat(task.describeCount).isZero();
            assertThat(task.stopped).isFalse();
        });
    }

    @Test
    void runPassesEverythingAfterTheImageToTheContainer()
    {
        Result result = berth("run", "busybox", "out:hi", "--not-a-berth-option", "exit:4");
        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.out()).isEqualTo("hi\n");
    }

    @Test
    void runTakesItsOptionsAfterTheImageToo()
    {
        Result result = berth("run", "busybox", "--cpu", "0.5", "--memory", "1024", "-e", "GREETING=after", "--", "exit:0");
        assertThat(result.exitCode()).as(result.err()).isEqualTo(0);
        assertThat(result.out()).isEqualTo("env GREETING=after\n");

        Result withoutSeparator = berth("run", "busybox", "-e", "GREETING=x", "out:cmd", "-e", "exit:5");
        assertThat(withoutSeparator.exitCode()).as("-e after the command belongs to the command").isEqualTo(5);
    }

    @Test
    void runPassesEnvironmentVariables()
    {
        Result result = berth("run", "-e", "GREETING=hello world", "busybox", "--", "exit:0");
        assertThat(result.exitCode()).isEqualTo(0);
        assertThat(result.out()).isEqualTo("env GREETING=hello world\n");
    }

    @Test
    void runReusesAnIdenticalTaskDefinitionAndRegistersARevisionOnChange()
    {
        assertThat(berth("run", "busybox").exitCode()).isEqualTo(0);
        assertThat(berth("run", "busybox", "--", "out:again").exitCode()).isEqualTo(0);
        assertThat(ecs.taskDefinitions.get("berth-run-busybox")).hasSize(1);

        assertThat(berth("run", "--cpu", "0.5 vCPU", "--memory", "1 GB", "busybox").exitCode()).isEqualTo(0);
        assertThat(ecs.taskDefinitions.get("berth-run-busybox")).hasSize(2);
        JsonNode second = ecs.taskDefinitions.get("berth-run-busybox").get(1);
        assertThat(second.path("cpu").asText()).isEqualTo("512");
        assertThat(second.path("memory").asText()).isEqualTo("1024");

        assertThat(berth("run", "--name", "custom", "busybox").exitCode()).isEqualTo(0);
        assertThat(ecs.taskDefinitions).containsKey("custom");

        // the same family and container, but a revision that does not require FARGATE (ECS validated it for EC2 only),
        // found by a process that has not run the image before
        ecs.taskDefinitions.get("custom").getLast().remove("requiresCompatibilities");
        RunCommand.RunTaskDefinitions.forgetAll();
        assertThat(berth("run", "--name", "custom", "busybox").exitCode()).isEqualTo(0);
        assertThat(ecs.taskDefinitions.get("custom")).hasSize(2);
        assertThat(ecs.taskDefinitions.get("custom").getLast().path("requiresCompatibilities").toString()).isEqualTo("[\"FARGATE\"]");
    }

    /** As the CLI daemon runs one command after another in one process. */
    @Test
    void runStartsWithRunTaskOnceTheProcessKnowsTheRevisionAndLooksAgainWhenItIsGone()
    {
        assertThat(berth("run", "busybox", "--", "out:one").exitCode()).isEqualTo(0);
        assertThat(ecs.describeTaskDefinitionRequests).containsExactly("berth-run-busybox");

        Result again = berth("run", "busybox", "--", "out:two");
        assertThat(again.exitCode()).isEqualTo(0);
        assertThat(again.out()).isEqualTo("two\n");
        assertThat(ecs.describeTaskDefinitionRequests).hasSize(1);

        // deregistered behind the process's back: RunTask refuses it, and the run registers a revision and goes on
        ecs.taskDefinitions.get("berth-run-busybox").getLast().put("status", "INACTIVE");
        Result afterDeregistration = berth("run", "busybox", "--", "out:three");
        assertThat(afterDeregistration.exitCode()).isEqualTo(0);
        assertThat(afterDeregistration.out()).isEqualTo("three\n");
        assertThat(ecs.describeTaskDefinitionRequests).hasSize(2);
        assertThat(ecs.taskDefinitions.get("berth-run-busybox")).hasSize(2);
        assertThat(List.copyOf(ecs.tasks.values()).getLast().taskDefinitionArn).endsWith("task-definition/berth-run-busybox:2");
    }

    @Test
    void runReportsATaskThatCouldNotStartLikeDocker()
    {
        Result result = berth("run", "127.0.0.1:5000/missing:1", "--", "pullfail");
        assertThat(result.exitCode()).isEqualTo(125);
        assertThat(result.err()).isEqualTo("berth: task stopped: TaskFailedToStart: CannotPullContainerError: 127.0.0.1:5000/missing:1: not found\n");
    }

    @Test
    void runRejectsBadSizesInOneLine()
    {
        Result result = berth("run", "--memory", "lots", "busybox");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("berth: Memory 'lots' is not a size: use MiB (512) or a unit (\"1 GB\", 512MiB)\n");
    }

    @Test
    void psListsRunningTasksAndAllWithA()
    {
        assertThat(berth("run", "busybox", "--", "exit:7").exitCode()).isEqualTo(7);
        Result detached = berth("run", "-d", "alpine", "--", "forever");
        String runningArn = detached.out().strip();
        assertThat(runningArn).startsWith("arn:aws:ecs:us-east-1:123456789012:task/default/");

        List<String> running = berth("ps").out().lines().toList();
        assertThat(running).hasSize(2);
        assertThat(running.get(0)).matches("TASK\\s+IMAGE\\s+STATUS\\s+EXIT\\s+CREATED\\s+FAMILY");
        assertThat(running.get(1)).matches(TaskReference.shortId(runningArn) + "\\s+alpine\\s+RUNNING\\s+\\d+ seconds? ago\\s+berth-run-alpine");

        List<String> all = berth("ps", "-a").out().lines().toList();
        assertThat(all).hasSize(3);
        assertThat(all).anyMatch(line -> line.matches("\\w{12}\\s+busybox\\s+STOPPED\\s+7\\s+\\d+ seconds? ago\\s+berth-run-busybox"));

        JsonNode json = parse(berth("ps", "-a", "-o", "json").out());
        assertThat(json.isArray()).isTrue();
        assertThat(json).extracting(task -> task.path("lastStatus").asText()).containsExactlyInAnyOrder("RUNNING", "STOPPED");
    }

    @Test
    void logsPrintsWhatATaskWroteAndFollowsUntilItStops()
    {
        String arn = berth("run", "-d", "busybox", "--", "out:one", "err:two", "out:three").out().strip();

        Result soFar = berth("logs", TaskReference.idOf(arn));
        assertThat(soFar.exitCode()).isEqualTo(0);
        assertThat(soFar.out()).isEqualTo("one\nthree\n");
        assertThat(soFar.err()).isEqualTo("two\n");

        // the fake stops the task on its second DescribeTasks
        berth("ps");
        berth("ps");
        Result followed = berth("logs", "-f", arn);
        assertThat(followed.exitCode()).isEqualTo(0);
        assertThat(followed.out()).isEqualTo("one\nthree\n");
    }

    @Test
    void stopStopsTasksAndReportsThoseItCannotStop()
    {
        String arn = berth("run", "-d", "busybox", "--", "forever").out().strip();

        Result result = berth("stop", "--reason", "enough", arn, "no-such-task");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEqualTo(TaskReference.idOf(arn) + "\n");
        assertThat(result.err()).isEqualTo("berth: no task no-such-task: see `berth ps -a` for task ids\n");
        FakeEcs.FakeTask task = ecs.tasks.get(arn);
        assertThat(task.stopped).isTrue();
        assertThat(task.stoppedReason).isEqualTo("enough");
    }

    @Test
    void logsAndStopTakeTheShortIdThatPsShows()
    {
        String first = berth("run", "-d", "busybox", "--", "out:first", "forever").out().strip();
        String second = berth("run", "-d", "busybox", "--", "out:second", "forever").out().strip();
        String secondId = TaskReference.idOf(second);
        assertThat(TaskReference.shortId(first)).isNotEqualTo(TaskReference.shortId(second));

        Result logs = berth("logs", TaskReference.shortId(second));
        assertThat(logs.exitCode()).isEqualTo(0);
        assertThat(logs.out()).isEqualTo("second\n");

        Result stop = berth("stop", TaskReference.shortId(second));
        assertThat(stop.exitCode()).isEqualTo(0);
        assertThat(stop.out()).isEqualTo(secondId + "\n");
        assertThat(ecs.tasks.get(second).stopped).isTrue();
        assertThat(ecs.tasks.get(first).stopped).isFalse();

        // a prefix both ids share names no one task
        String shared = TaskReference.idOf(first).substring(0, commonPrefixLength(TaskReference.idOf(first), secondId));
        Result ambiguous = berth("stop", shared);
        assertThat(ambiguous.exitCode()).isEqualTo(1);
        assertThat(ambiguous.err()).startsWith("berth: task id " + shared + " is ambiguous");
        assertThat(ecs.tasks.get(first).stopped).isFalse();
    }

    private static int commonPrefixLength(String left, String right)
    {
        int length = 0;
        while (length < Math.min(left.length(), right.length()) && left.charAt(length) == right.charAt(length)) {
            length++;
        }
        return length;
    }

    @Test
    void accountCreatePrintsTheNewKey()
    {
        Result text = berth("account", "create", "team-a");
        assertThat(text.exitCode()).isEqualTo(0);
        assertThat(text.out()).contains("Account ID:         210987654321", "Access key ID:      AKIDNEWTEAM-A", "export AWS_SECRET_ACCESS_KEY=new-secret");

        JsonNode json = parse(berth("account", "create", "team-b", "-o", "json").out());
        assertThat(json.path("accessKeyId").asText()).isEqualTo("AKIDNEWTEAM-B");
        assertThat(json.path("secretAccessKey").asText()).isEqualTo("new-secret");
    }

    @Test
    void accountSetEgressSendsOneChoice()
    {
        assertThat(berth("account", "set-egress", "210987654321", "--deny-all").out()).isEqualTo("Account 210987654321: all egress denied\n");
        assertThat(berth("account", "set-egress", "210987654321", "--allow", "192.0.2.0/24", "--allow", "198.51.100.0/24").out())
                .isEqualTo("Account 210987654321: egress allowed to 192.0.2.0/24, 198.51.100.0/24 only\n");
        assertThat(berth("account", "set-egress", "210987654321", "--allow-all").out()).isEqualTo("Account 210987654321: egress unrestricted\n");
        assertThat(ecs.egressRequests).containsExactly("{\"denyAll\":true}", "{\"allow\":[\"192.0.2.0/24\",\"198.51.100.0/24\"]}", "{\"allowAll\":true}");

        Result both = berth("account", "set-egress", "210987654321", "--deny-all", "--allow-all");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        assertThat(berth("account", "set-egress", "210987654321").exitCode()).isEqualTo(2);
        Result unknown = berth("account", "set-egress", "999999999999", "--deny-all");
        assertThat(unknown.err()).startsWith("berth: ResourceNotFoundException: No account 999999999999 exists");
        assertThat(ecs.egressRequests).hasSize(3);
    }

    @Test
    void accountSetSendsOnlyTheQuotasGiven()
    {
        assertThat(berth("account", "set", "210987654321", "--max-tasks", "20", "--rate", "2.5").out())
                .isEqualTo("Account 210987654321: max-vcpu 16 (default), max-tasks 20, max-waiting unlimited (default), rate 2.5\n");
        assertThat(ecs.limitsRequests).containsExactly("{\"maxTasks\":20,\"rate\":2.5}");

        Result nothing = berth("account", "set", "210987654321");
        assertThat(nothing.exitCode()).isEqualTo(2);
        assertThat(nothing.err()).contains("Give at least one of --max-vcpu, --max-tasks, --max-waiting, --rate");
        assertThat(berth("account", "set", "210987654321", "--max-tasks", "many").exitCode()).isEqualTo(2);
        assertThat(ecs.limitsRequests).hasSize(1);
    }

    @Test
    void accountIsolationIsSetAtCreationAndLater()
    {
        assertThat(berth("account", "create", "team-c", "--isolation", "sandbox").out()).contains("Isolation:          sandbox");
        assertThat(berth("account", "set", "210987654321", "--isolation", "sandbox").out()).isEqualTo("Account 210987654321: isolation sandbox\n");
        Result invalid = berth("account", "set", "210987654321", "--isolation", "vm");
        assertThat(invalid.exitCode()).isEqualTo(1);
        assertThat(invalid.err()).contains("InvalidParameterException: isolation must be one of container, sandbox");
        assertThat(ecs.isolationRequests).containsExactly("{\"isolation\":\"sandbox\"}", "{\"isolation\":\"vm\"}");
        assertThat(ecs.limitsRequests).as("no quota given, none sent").isEmpty();
    }

    @Test
    void apiErrorsAreOneLineWithoutStackTrace()
    {
        Result result = berth("ps", "--cluster", "nowhere");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("berth: ClusterNotFoundException: Cluster not found.\n");
    }

    @Test
    void unreachableControlPlaneSaysWhatToCheck()
    {
        String endpoint = ecs.server.endpoint().toString();
        BerthClientFactory clients = ecs.clients();
        ecs.close();
        Result result = berth(clients, Optional.empty(), "ps");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("berth: cannot reach Berth at " + endpoint + ": is `berth up` running? (connection refused)\n");
    }

    @Test
    void imageImportUsesTheImporter(@org.junit.jupiter.api.io.TempDir Path directory)
            throws Exception
    {
        Path archive = Files.writeString(directory.resolve("app.tar"), "not really a tar");
        ImageImport importer = (path, reference) -> "127.0.0.1:5000/" + reference.orElse(path.getFileName().toString().replace(".tar", "")) + "@imported";

        Result tagged = berth(ecs.clients(), Optional.of(importer), "image", "import", archive.toString(), "--tag", "myapp:1");
        assertThat(tagged.exitCode()).isEqualTo(0);
        assertThat(tagged.out()).isEqualTo("127.0.0.1:5000/myapp:1@imported\n");

        Result missing = berth(ecs.clients(), Optional.of(importer), "image", "import", directory.resolve("nope.tar").toString());
        assertThat(missing.err()).isEqualTo("berth: no such file: " + directory.resolve("nope.tar") + "\n");

        Result unavailable = berth(ecs.clients(), Optional.empty(), "image", "import", archive.toString());
        assertThat(unavailable.exitCode()).isEqualTo(1);
        assertThat(unavailable.err()).isEqualTo("berth: image import is not available in this build of berth\n");
    }

    private static JsonNode parse(String json)
    {
        try {
            return Json.mapper().readTree(json);
        }
        catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
