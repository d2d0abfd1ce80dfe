package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.json.Json;
import io.berth.testing.OciLayoutImage;
import io.berth.testing.TestImageConfig;
import io.berth.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The berth command run as a separate process against a real all-in-one Berth, as a user runs it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliEndToEndTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** A task that runs until stopped and stops promptly on SIGTERM (a shell as PID 1 ignores it otherwise). */
    private static final String[] LONG_TASK = {"sh", "-c", "trap 'echo terminated; exit 0' TERM; echo started; while true; do sleep 1; done"};

    private BerthEnvironment environment;
    private BerthCli operator;
    private Path workDirectory;

    @BeforeAll
    void startBerth()
            throws Exception
    {
        workDirectory = Files.createTempDirectory("berth-e2e-cli-work");
        environment = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-cli"));
        operator = BerthCli.fromEnvironmentFile(environment.berth().environmentFile());
    }

    @AfterAll
    void stopBerth()
            throws Exception
    {
        try {
            if (environment != null) {
                String hostId = Files.readString(environment.dataDirectory().resolve("agent/host-id")).strip();
                environment.close();
                HostLeftovers.removeHostCgroups(hostId);
            }
        }
        finally {
            if (workDirectory != null) {
                deleteRecursively(workDirectory);
            }
        }
    }

    @Test
    void berthEnvNamesThisBerth()
    {
        assertThat(operator.environment())
                .containsEntry("BERTH_ENDPOINT", environment.berth().endpoint().toString())
                .containsEntry("AWS_ENDPOINT_URL", environment.berth().endpoint().toString())
                .containsEntry("BERTH_REGISTRY", environment.berth().registryAddress())
                .containsEntry("AWS_ACCESS_KEY_ID", environment.berth().operatorKey().accessKeyId())
                .containsEntry("AWS_SECRET_ACCESS_KEY", environment.berth().operatorKey().secretAccessKey())
                .containsKey("AWS_DEFAULT_REGION");
    }

    @Test
    void runSeparatesStdoutFromStderrAndExitsWithTheContainerExitCode()
    {
        BerthCli.Result result = operator.run("run", environment.image(), "--", "sh", "-c", "echo out; echo err >&2; exit 4");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(4);
        assertThat(result.stdoutLines()).as(result.toString()).containsExactly("out");
        assertThat(result.stderrLines()).as(result.toString()).containsExactly("err");
    }

    @Test
    void runReturnsAtTheContainersExitWithEveryLineItWrote()
    {
        // `berth run` returns once the container's exit is recorded, before the task's cleanup: conmon drains the
        // container's output into the log before it records the exit, so a burst written right before the exit is whole
        BerthCli.Result result = operator.run("run", environment.image(), "--", "sh", "-c",
                "i=0; while [ $i -lt 2000 ]; do echo line-$i; i=$((i+1)); done; echo last >&2; exit 5");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(5);
        assertThat(result.stdoutLines()).hasSize(2000);
        assertThat(result.stdoutLines().getFirst()).isEqualTo("line-0");
        assertThat(result.stdoutLines().getLast()).isEqualTo("line-1999");
        assertThat(result.stderrLines()).containsExactly("last");
    }

    @Test
    void runWithoutDoubleDashPassesTheCommandToo()
    {
        BerthCli.Result result = operator.run("run", environment.image(), "echo", "-e", "no\\tdashes");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdoutLines()).as(result.toString()).containsExactly("no\tdashes");
    }

    @Test
    void runPassesSizeAndEnvironment()
    {
        BerthCli.Result result = operator.run("run", "--cpu", "0.25", "--memory", "512", "-e", "GREETING=hi", environment.image(), "--", "sh", "-c", "echo $GREETING");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdoutLines()).as(result.toString()).containsExactly("hi");
        assertThat(result.stderrLines()).as(result.toString()).isEmpty();
    }

    @Test
    void runStreamsOutputWhileTheTaskRuns()
            throws Exception
    {
        Process process = operator.start("run", environment.image(), "--", "sh", "-c", "echo first; sleep 5; echo second");
        try {
            process.getOutputStream().close();
            CompletableFuture<String> stderr = BerthCli.readAll(process.getErrorStream());
            BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));

            assertThat(readLine(stdout)).isEqualTo("first");
            // the task sleeps 5 s before it prints again and ends: berth run must still be following it
            assertThat(process.isAlive()).as("berth run printed 'first' only when the task had ended").isTrue();
            assertThat(readLine(stdout)).isEqualTo("second");
            assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(stderr.join()).isZero();
            assertThat(stdout.readLine()).isNull();
        }
        finally {
            BerthCli.destroyTree(process);
        }
    }

    @Test
    void interruptedRunStopsItsTask()
            throws Exception
    {
        Process process = operator.start(concat(List.of("run", environment.image(), "--"), LONG_TASK));
        String stderr;
        try {
            process.getOutputStream().close();
            CompletableFuture<String> errors = BerthCli.readAll(process.getErrorStream());
            BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
            assertThat(readLine(stdout)).isEqualTo("started");

            // SIGTERM, as Ctrl-C's SIGINT: both end the JVM through its shutdown hooks. Through the handle:
            // Process.destroy() would also close the streams this test still reads
            process.toHandle().destroy();
            assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isNotZero();
            stderr = errors.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        finally {
            BerthCli.destroyTree(process);
        }
        assertThat(stderr).contains("berth: interrupted, stopping task ");
        String taskId = stderr.replaceAll("(?s).*stopping task ([0-9a-f]+).*", "$1");
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(psRow(operator.run("ps", "-a"), taskId.substring(0, 12))).hasValueSatisfying(row -> assertThat(row).contains("STOPPED")));
    }

    @Test
    void runOfAMissingImageSaysTheImageCannotBePulled()
    {
        BerthCli.Result result = operator.run("run", environment.berth().registryAddress() + "/e2e/no-such-image:1", "--", "true");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(125);
        assertOneLineError(result, "CannotPullContainerError");
    }

    @Test
    void runWithAnInvalidSizeNamesTheValidOnes()
    {
        BerthCli.Result result = operator.run("run", "--cpu", "256", "--memory", "4096", environment.image(), "--", "true");

        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertOneLineError(result, "4096");
        assertThat(result.stderr()).contains("512", "1024", "2048");
    }

    @Test
    void runWithAnUnreadableSizeSaysHowToWriteIt()
    {
        BerthCli.Result result = operator.run("run", "--memory", "lots", environment.image(), "--", "true");

        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertOneLineError(result, "Memory 'lots'");
    }

    @Test
    void psLogsAndStopFollowATaskThroughItsLife()
    {
        BerthCli.Result started = operator.run(concat(List.of("run", "-d", environment.image(), "--"), LONG_TASK));
        assertThat(started.exitCode()).as(started.toString()).isZero();
        String taskArn = started.stdout().strip();
        assertThat(taskArn).startsWith("arn:aws:ecs:").contains(":task/");
        String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
        String shortId = taskId.substring(0, 12);

        // ps shows running tasks by their short id
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(psRow(operator.run("ps"), shortId)).hasValueSatisfying(row -> assertThat(row).contains("RUNNING", environment.image())));

        // logs -f follows the running task: it prints what the task wrote and keeps going
        Process follower = operator.start("logs", "-f", taskId);
        try {
            follower.getOutputStream().close();
            BufferedReader followed = new BufferedReader(new InputStreamReader(follower.getInputStream(), UTF_8));
            assertThat(readLine(followed)).isEqualTo("started");
            assertThat(follower.isAlive()).as("logs -f of a running task returned").isTrue();

            // the short id that ps shows names the task for stop, too
            BerthCli.Result stopped = operator.run("stop", shortId);
            assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
            assertThat(stopped.stdout()).contains(taskId);

            assertThat(readLine(followed)).isEqualTo("terminated");
            assertThat(readLine(followed)).as("logs -f ends when the task has stopped").isNull();
            assertThat(follower.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(follower.exitValue()).isZero();
        }
        catch (Exception e) {
            throw new AssertionError(e);
        }
        finally {
            BerthCli.destroyTree(follower);
        }

        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(psRow(operator.run("ps", "-a"), shortId)).hasValueSatisfying(row -> assertThat(row).contains("STOPPED")));
        assertThat(psRow(operator.run("ps"), shortId)).as("ps without -a lists running tasks only").isEmpty();

        BerthCli.Result json = operator.run("ps", "-a", "-o", "json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode tasks = parseJson(json.stdout());
        assertThat(tasks.isArray()).isTrue();
        List<String> arns = new ArrayList<>();
        tasks.forEach(task -> arns.add(task.path("taskArn").asText()));
        assertThat(arns).contains(taskArn);

        BerthCli.Result logs = operator.run("logs", taskId);
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.stdoutLines()).containsExactly("started", "terminated");
        assertThat(operator.run("logs", shortId).stdoutLines()).containsExactly("started", "terminated");
    }

    @Test
    void logsAndStopOfAnUnknownTaskFailInOneLine()
    {
        BerthCli.Result logs = operator.run("logs", "0123456789abcdef0123456789abcdef");
        assertThat(logs.exitCode()).as(logs.toString()).isNotZero();
        assertOneLineError(logs, "0123456789abcdef0123456789abcdef");

        BerthCli.Result stop = operator.run("stop", "fedcba987654");
        assertThat(stop.exitCode()).as(stop.toString()).isNotZero();
        assertOneLineError(stop, "fedcba987654");
    }

    @Test
    void importedImagesRun()
            throws Exception
    {
        OciLayoutImage layout = TestImages.buildOciLayout(workDirectory.resolve("layout"), "latest", TestImageConfig.busybox());
        Path dockerArchive = TestImages.toDockerArchive(layout, workDirectory.resolve("image.tar"), "e2e/from-docker:2");

        BerthCli.Result fromLayout = operator.run("image", "import", layout.layout().toString(), "--tag", "e2e/from-layout:1");
        assertThat(fromLayout.exitCode()).as(fromLayout.toString()).isZero();
        // into the caller's own repositories: the account id is the first part of the path
        String operatorAccount = environment.berth().operatorKey().account().accountId();
        assertThat(fromLayout.stdoutLines()).containsExactly(environment.berth().registryAddress() + "/" + operatorAccount + "/e2e/from-layout:1");
        assertThat(fromLayout.stderrLines()).as("import prints nothing but the reference").isEmpty();

        BerthCli.Result fromArchive = operator.run("image", "import", dockerArchive.toString());
        assertThat(fromArchive.exitCode()).as(fromArchive.toString()).isZero();
        assertThat(fromArchive.stdoutLines()).containsExactly(environment.berth().registryAddress() + "/" + operatorAccount + "/e2e/from-docker:2");

        for (String reference : List.of(fromLayout.stdout().strip(), fromArchive.stdout().strip())) {
            BerthCli.Result run = operator.run("run", reference, "--", "echo", "imported");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stdoutLines()).containsExactly("imported");
        }
    }

    @Test
    void importGoesIntoTheCallersAccountAndOnlyItRunsIt()
            throws Exception
    {
        BerthCli.Result created = operator.run("account", "create", "importer");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        String accountId = field(created.stdout(), "Account ID:");
        BerthCli importer = operator.withKeys(field(created.stdout(), "Access key ID:"), field(created.stdout(), "Secret access key:"));
        OciLayoutImage layout = TestImages.buildOciLayout(workDirectory.resolve("importer-layout"), "latest", TestImageConfig.busybox());

        BerthCli.Result imported = importer.run("image", "import", layout.layout().toString(), "--tag", "mine/app:1");
        assertThat(imported.exitCode()).as(imported.toString()).isZero();
        assertThat(imported.stdoutLines()).containsExactly(environment.berth().registryAddress() + "/" + accountId + "/mine/app:1");

        BerthCli.Result own = importer.run("run", imported.stdout().strip(), "--", "echo", "mine");
        assertThat(own.exitCode()).as(own.toString()).isZero();
        assertThat(own.stdoutLines()).containsExactly("mine");

        // the operator is another account: the registry does not let it read the importer's private repository
        BerthCli.Result other = operator.run("run", imported.stdout().strip(), "--", "echo", "not yours");
        assertThat(other.exitCode()).as(other.toString()).isNotZero();
        assertThat(other.stdout() + other.stderr()).contains("CannotPullContainerError").doesNotContain("not yours");
    }

    @Test
    void importOfALayoutWithoutANameSaysHowToNameIt()
            throws Exception
    {
        OciLayoutImage layout = TestImages.buildOciLayout(workDirectory.resolve("unnamed-layout"), "latest", TestImageConfig.busybox());

        BerthCli.Result result = operator.run("image", "import", layout.layout().toString());

        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertOneLineError(result, "REPO:TAG");
        // the option the message names must exist
        String option = result.stderr().replaceAll("(?s).*pass (--?[a-z]+) REPO:TAG.*", "$1");
        BerthCli.Result named = operator.run("image", "import", layout.layout().toString(), option, "e2e/named-after-error:1");
        assertThat(named.exitCode()).as(named.toString()).isZero();
    }

    @Test
    void accountsSeeOnlyTheirOwnTasks()
    {
        BerthCli.Result operatorRun = operator.run("run", "-d", environment.image(), "--", "true");
        assertThat(operatorRun.exitCode()).as(operatorRun.toString()).isZero();
        String operatorTaskId = operatorRun.stdout().strip().substring(operatorRun.stdout().strip().lastIndexOf('/') + 1);

        BerthCli.Result created = operator.run("account", "create", "team-b");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        String accessKeyId = field(created.stdout(), "Access key ID:");
        String secretAccessKey = field(created.stdout(), "Secret access key:");
        assertThat(field(created.stdout(), "Account ID:")).matches("[0-9]{12}");
        assertThat(accessKeyId).isNotEqualTo(environment.berth().operatorKey().accessKeyId());
        BerthCli teamB = operator.withKeys(accessKeyId, secretAccessKey);

        BerthCli.Result teamBRun = teamB.run("run", environment.image(), "--", "echo", "team-b was here");
        assertThat(teamBRun.exitCode()).as(teamBRun.toString()).isZero();
        assertThat(teamBRun.stdoutLines()).containsExactly("team-b was here");

        BerthCli.Result teamBTasks = teamB.run("ps", "-a", "-o", "json");
        assertThat(teamBTasks.exitCode()).as(teamBTasks.toString()).isZero();
        JsonNode tasks = parseJson(teamBTasks.stdout());
        assertThat(tasks.size()).isEqualTo(1);
        assertThat(teamBTasks.stdout()).doesNotContain(operatorTaskId);
        assertThat(teamB.run("ps", "-a").stdout()).doesNotContain(operatorTaskId.substring(0, 12));
        assertThat(teamB.run("logs", operatorTaskId).exitCode()).isNotZero();
        assertThat(teamB.run("stop", operatorTaskId).exitCode()).isNotZero();

        BerthCli.Result refused = teamB.run("account", "create", "x");
        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertOneLineError(refused, "operator");
    }

    @Test
    void unreachableBerthIsReportedInOneLine()
    {
        int closedPort = FreePorts.any();
        BerthCli.Result result = operator.with("BERTH_ENDPOINT", "http://127.0.0.1:" + closedPort).run("ps");

        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertOneLineError(result, "cannot reach Berth");
        assertThat(result.stderr()).contains("127.0.0.1:" + closedPort);
    }

    @Test
    void missingCredentialsAreReportedInOneLine()
    {
        BerthCli.Result noKey = operator.with("AWS_ACCESS_KEY_ID", null).run("ps");
        assertThat(noKey.exitCode()).as(noKey.toString()).isNotZero();
        assertOneLineError(noKey, "AWS_ACCESS_KEY_ID");

        BerthCli.Result noSecret = operator.with("AWS_SECRET_ACCESS_KEY", null).run("run", environment.image(), "--", "true");
        assertThat(noSecret.exitCode()).as(noSecret.toString()).isNotZero();
        assertOneLineError(noSecret, "AWS_SECRET_ACCESS_KEY");

        BerthCli.Result wrongSecret = operator.with("AWS_SECRET_ACCESS_KEY", "not-the-secret").run("ps");
        assertThat(wrongSecret.exitCode()).as(wrongSecret.toString()).isNotZero();
        assertOneLineError(wrongSecret, "Signature");
    }

    @Test
    void importWithoutARegistryInTheEnvironmentSaysToSourceBerthEnv()
            throws Exception
    {
        Path archive = TestImages.toDockerArchive(
                TestImages.buildOciLayout(workDirectory.resolve("no-registry-layout"), "latest", TestImageConfig.busybox()),
                workDirectory.resolve("no-registry.tar"), "e2e/nowhere:1");

        BerthCli.Result result = operator.with("BERTH_REGISTRY", null).run("image", "import", archive.toString());

        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertOneLineError(result, "BERTH_REGISTRY");
    }

    static void assertOneLineError(BerthCli.Result result, String expectedText)
    {
        assertThat(result.stderrLines()).as(result.toString()).hasSize(1);
        assertThat(result.stderrLines().getFirst()).as(result.toString()).startsWith("berth: ").contains(expectedText);
        assertThat(result.stderr()).as(result.toString()).doesNotContain("\tat ", "Exception in thread");
    }

    private static Optional<String> psRow(BerthCli.Result ps, String shortId)
    {
        assertThat(ps.exitCode()).as(ps.toString()).isZero();
        assertThat(ps.stdoutLines()).as(ps.toString()).first().asString().startsWith("TASK");
        return ps.stdoutLines().stream().filter(line -> line.startsWith(shortId + " ")).findFirst();
    }

    private static String field(String text, String label)
    {
        return text.lines()
                .filter(line -> line.startsWith(label))
                .map(line -> line.substring(label.length()).strip())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no '" + label + "' in:\n" + text));
    }

    private static JsonNode parseJson(String text)
    {
        try {
            return Json.mapper().readTree(text);
        }
        catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** The next line, or null at the end; fails after TIMEOUT instead of blocking the test forever. */
    private static String readLine(BufferedReader reader)
            throws Exception
    {
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("read-line").start(() -> {
            try {
                line.complete(reader.readLine());
            }
            catch (Exception e) {
                line.completeExceptionally(e);
            }
        });
        try {
            return line.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no line within " + TIMEOUT, e);
        }
    }

    private static String[] concat(List<String> first, String... rest)
    {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    static void deleteRecursively(Path directory)
            throws java.io.IOException
    {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
