package io.berth.e2e;

import io.berth.common.files.FileTrees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.CloudWatchLogsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeLogGroupsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeLogStreamsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.InvalidParameterException;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogStream;
import software.amazon.awssdk.services.cloudwatchlogs.model.OrderBy;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.PutLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The CloudWatch Logs subset through the AWS SDK for Java v2's CloudWatchLogsClient as two accounts (another's group is
 * ResourceNotFoundException, never data), every action and its errors; the awslogs driver on real tasks (lines
 * readable with GetLogEvents and FilterLogEvents, a missing group stopping the task with ResourceInitializationError,
 * awslogs-create-group making it, the lines still in berth logs); and `aws logs tail`, with and without --follow,
 * through the AWS CLI v2 reading AWS_ENDPOINT_URL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudWatchLogsEndToEndTest
{
    private static final String CLUSTER = "logs";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private Path work;
    private BerthEnvironment environment;
    private AccountKeys a;
    private AccountKeys b;
    private CloudWatchLogsClient logsA;
    private CloudWatchLogsClient logsB;
    private EcsClient ecsA;

    @BeforeAll
    void start()
            throws IOException
    {
        work = BerthEnvironment.scratchDirectory("berth-e2e-logs-");
        environment = BerthEnvironment.start(work.resolve("data"));
        a = AccountKeys.create(environment, "logs-a");
        b = AccountKeys.create(environment, "logs-b");
        logsA = logs(a, Region.US_EAST_1);
        logsB = logs(b, Region.US_EAST_1);
        ecsA = environment.client(a.accessKeyId(), a.secretAccessKey());
        ecsA.createCluster(request -> request.clusterName(CLUSTER));
    }

    @AfterAll
    void stop()
            throws IOException
    {
        for (AutoCloseable client : new AutoCloseable[] {logsA, logsB, ecsA}) {
            if (client != null) {
                try {
                    client.close();
                }
                catch (Exception e) {
                    // closing a client cannot fail in a way the test cares about
                }
            }
        }
        if (environment != null) {
            environment.close();
        }
        if (work != null) {
            FileTrees.deleteRecursively(work);
        }
    }

    @Test
    void groupsStreamsAndRetentionWithTheirErrors()
    {
        logsA.createLogGroup(request -> request.logGroupName("/app/one"));
        logsA.createLogGroup(request -> request.logGroupName("/app/two"));
        logsA.createLogGroup(request -> request.logGroupName("/other"));
        assertError(ResourceAlreadyExistsException.class, () -> logsA.createLogGroup(request -> request.logGroupName("/app/one")), "already exists");
        assertError(InvalidParameterException.class, () -> logsA.createLogGroup(request -> request.logGroupName("bad name!")), "logGroupName");
        assertError(InvalidParameterException.class, () -> logsA.createLogGroup(request -> request.logGroupName("/kms").kmsKeyId("key")), "kmsKeyId");

        DescribeLogGroupsResponse first = logsA.describeLogGroups(request -> request.logGroupNamePrefix("/app/").limit(1));
        assertThat(first.logGroups()).extracting(LogGroup::logGroupName).containsExactly("/app/one");
        assertThat(first.nextToken()).isNotNull();
        DescribeLogGroupsResponse second = logsA.describeLogGroups(request -> request.logGroupNamePrefix("/app/").limit(1).nextToken(first.nextToken()));
        assertThat(second.logGroups()).extracting(LogGroup::logGroupName).containsExactly("/app/two");
        assertThat(second.nextToken()).isNull();
        LogGroup one = first.logGroups().get(0);
        assertThat(one.arn()).isEqualTo("arn:aws:logs:us-east-1:" + a.accountId() + ":log-group:/app/one:*");
        assertThat(one.creationTime()).isGreaterThan(Instant.now().minusSeconds(300).toEpochMilli());
        try (CloudWatchLogsClient ohio = logs(a, Region.US_EAST_2)) {
            assertThat(ohio.describeLogGroups(request -> request.logGroupNamePrefix("/app/one")).logGroups().get(0).logGroupArn())
                    .isEqualTo("arn:aws:logs:us-east-2:" + a.accountId() + ":log-group:/app/one");
        }

        logsA.putRetentionPolicy(request -> request.logGroupName("/app/one").retentionInDays(7));
        assertThat(group(logsA, "/app/one").retentionInDays()).isEqualTo(7);
        assertError(InvalidParameterException.class, () -> logsA.putRetentionPolicy(request -> request.logGroupName("/app/one").retentionInDays(8)), "retentionInDays");
        assertError(ResourceNotFoundException.class, () -> logsA.putRetentionPolicy(request -> request.logGroupName("/missing").retentionInDays(7)), "log group");
        logsA.deleteRetentionPolicy(request -> request.logGroupName("/app/one"));
        assertThat(group(logsA, "/app/one").retentionInDays()).isNull();

        logsA.createLogStream(request -> request.logGroupName("/app/one").logStreamName("web/a"));
        logsA.createLogStream(request -> request.logGroupName("/app/one").logStreamName("web/b"));
        logsA.createLogStream(request -> request.logGroupName("/app/one").logStreamName("worker"));
        assertError(ResourceAlreadyExistsException.class, () -> logsA.createLogStream(request -> request.logGroupName("/app/one").logStreamName("worker")),
                "already exists");
        assertError(ResourceNotFoundException.class, () -> logsA.createLogStream(request -> request.logGroupName("/missing").logStreamName("x")), "log group");
        assertError(InvalidParameterException.class, () -> logsA.createLogStream(request -> request.logGroupName("/app/one").logStreamName("a:b")), "logStreamName");

        put(logsA, "/app/one", "worker", Instant.now().minusSeconds(10), "late");
        put(logsA, "/app/one", "web/a", Instant.now().minusSeconds(20), "early");

        DescribeLogStreamsResponse web = logsA.describeLogStreams(request -> request.logGroupName("/app/one").logStreamNamePrefix("web/").limit(1));
        assertThat(web.logStreams()).extracting(LogStream::logStreamName).containsExactly("web/a");
        assertThat(web.logStreams().get(0).arn()).isEqualTo("arn:aws:logs:us-east-1:" + a.accountId() + ":log-group:/app/one:log-stream:web/a");
        assertThat(web.logStreams().get(0).lastEventTimestamp()).isNotNull();
        assertThat(logsA.describeLogStreams(request -> request.logGroupName("/app/one").logStreamNamePrefix("web/").nextToken(web.nextToken())).logStreams())
                .extracting(LogStream::logStreamName).containsExactly("web/b");
        assertThat(logsA.describeLogStreams(request -> request.logGroupIdentifier("/app/one").orderBy(OrderBy.LAST_EVENT_TIME).descending(true)).logStreams())
                .extracting(LogStream::logStreamName).containsExactly("worker", "web/a", "web/b");
        assertError(InvalidParameterException.class, () -> logsA.describeLogStreams(request -> request.logGroupName("/app/one").logStreamNamePrefix("w")
                .orderBy(OrderBy.LAST_EVENT_TIME)), "LastEventTime");
        assertError(ResourceNotFoundException.class, () -> logsA.describeLogStreams(request -> request.logGroupName("/missing")), "log group");

        logsA.deleteLogStream(request -> request.logGroupName("/app/one").logStreamName("web/b"));
        assertError(ResourceNotFoundException.class, () -> logsA.deleteLogStream(request -> request.logGroupName("/app/one").logStreamName("web/b")), "log stream");
        logsA.deleteLogGroup(request -> request.logGroupName("/other"));
        assertError(ResourceNotFoundException.class, () -> logsA.deleteLogGroup(request -> request.logGroupName("/other")), "log group");
        assertThat(logsA.describeLogGroups(request -> request.logGroupNamePrefix("/other")).logGroups()).isEmpty();
    }

    @Test
    void eventsReadWithTokensAndFilters()
    {
        logsA.createLogGroup(request -> request.logGroupName("/events"));
        logsA.createLogStream(request -> request.logGroupName("/events").logStreamName("s1"));
        logsA.createLogStream(request -> request.logGroupName("/events").logStreamName("s2"));
        Instant base = Instant.now().minusSeconds(60);
        PutLogEventsResponse put = logsA.putLogEvents(request -> request.logGroupName("/events").logStreamName("s1").logEvents(
                event(base, "INFO started"), event(base.plusSeconds(1), "ERROR disk full"), event(base.plusSeconds(2), "INFO request served"),
                event(base.plusSeconds(3), "WARN slow request")));
        assertThat(put.rejectedLogEventsInfo()).isNull();
        logsA.putLogEvents(request -> request.logGroupName("/events").logStreamName("s2").logEvents(event(base.plusMillis(1500), "ERROR other stream")));
        assertError(InvalidParameterException.class, () -> logsA.putLogEvents(request -> request.logGroupName("/events").logStreamName("s1").logEvents(
                event(base.plusSeconds(5), "b"), event(base.plusSeconds(4), "a"))), "chronological");
        assertError(ResourceNotFoundException.class, () -> logsA.putLogEvents(request -> request.logGroupName("/events").logStreamName("none").logEvents(
                event(base, "x"))), "log stream");
        PutLogEventsResponse rejected = logsA.putLogEvents(request -> request.logGroupName("/events").logStreamName("s2").logEvents(
                event(Instant.now().minus(Duration.ofDays(20)), "ancient")));
        assertThat(rejected.rejectedLogEventsInfo().tooOldLogEventEndIndex()).isEqualTo(1);
        assertError(InvalidParameterException.class, () -> logsA.putLogEvents(request -> request.logGroupName("/events").logStreamName("s2").logEvents(
                event(Instant.now().minus(Duration.ofDays(2)), "old"), event(Instant.now(), "new"))), "24 hours");
        put(logsA, "/events", "s2", Instant.now(), "fresh");

        GetLogEventsResponse head = logsA.getLogEvents(request -> request.logGroupName("/events").logStreamName("s1").startFromHead(true).limit(2));
        assertThat(head.events()).extracting(OutputLogEvent::message).containsExactly("INFO started", "ERROR disk full");
        assertThat(head.nextForwardToken()).matches("f/\\d{56}");
        assertThat(head.nextBackwardToken()).matches("b/\\d{56}");
        GetLogEventsResponse rest = logsA.getLogEvents(request -> request.logGroupName("/events").logStreamName("s1").nextToken(head.nextForwardToken()));
        assertThat(rest.events()).extracting(OutputLogEvent::message).containsExactly("INFO request served", "WARN slow request");
        // nothing new: CloudWatch hands back the same forward token, which is how followers know they are at the end
        GetLogEventsResponse end = logsA.getLogEvents(request -> request.logGroupName("/events").logStreamName("s1").nextToken(rest.nextForwardToken()));
        assertThat(end.events()).isEmpty();
        assertThat(end.nextForwardToken()).isEqualTo(rest.nextForwardToken());
        put(logsA, "/events", "s1", base.plusSeconds(6), "INFO later");
        assertThat(logsA.getLogEvents(request -> request.logGroupName("/events").logStreamName("s1").nextToken(end.nextForwardToken())).events())
                .extracting(OutputLogEvent::message).containsExactly("INFO later");
        GetLogEventsResponse back = logsA.getLogEvents(request -> request.logGroupName("/events").logStreamName("s1").nextToken(rest.nextBackwardToken()));
        assertThat(back.events()).extracting(OutputLogEvent::message).containsExactly("INFO started", "ERROR disk full");
        GetLogEventsResponse tail = logsA.getLogEvents(request -> request.logGroupName("/events").logStreamName("s1").limit(1));
        assertThat(tail.events()).extracting(OutputLogEvent::message).containsExactly("INFO later");
        GetLogEventsResponse window = logsA.getLogEvents(request -> request.logGroupName("/events").logStreamName("s1").startFromHead(true)
                .startTime(base.plusSeconds(1).toEpochMilli()).endTime(base.plusSeconds(3).toEpochMilli()));
        assertThat(window.events()).extracting(OutputLogEvent::message).containsExactly("ERROR disk full", "INFO request served");
        assertThat(window.events().get(0).timestamp()).isEqualTo(base.plusSeconds(1).toEpochMilli());
        assertThat(window.events().get(0).ingestionTime()).isNotNull();
        assertError(InvalidParameterException.class, () -> logsA.getLogEvents(request -> request.logGroupName("/events").logStreamName("s1").nextToken("bogus")),
                "nextToken");
        assertError(ResourceNotFoundException.class, () -> logsA.getLogEvents(request -> request.logGroupName("/events").logStreamName("none")), "log stream");

        assertThat(filter(request -> request.logGroupName("/events").filterPattern("ERROR")))
                .extracting(FilteredLogEvent::message).containsExactly("ERROR disk full", "ERROR other stream");
        assertThat(filter(request -> request.logGroupName("/events").filterPattern("ERROR").logStreamNames("s2")))
                .extracting(FilteredLogEvent::logStreamName).containsExactly("s2");
        assertThat(filter(request -> request.logGroupName("/events").filterPattern("\"request served\"")))
                .extracting(FilteredLogEvent::message).containsExactly("INFO request served");
        assertThat(filter(request -> request.logGroupName("/events").filterPattern("request -slow")))
                .extracting(FilteredLogEvent::message).containsExactly("INFO request served");
        assertThat(filter(request -> request.logGroupName("/events").filterPattern("?WARN ?disk")))
                .extracting(FilteredLogEvent::message).containsExactly("ERROR disk full", "WARN slow request");
        assertThat(filter(request -> request.logGroupName("/events").logStreamNamePrefix("s1").startTime(base.plusSeconds(2).toEpochMilli())
                .endTime(base.plusSeconds(3).toEpochMilli()))).extracting(FilteredLogEvent::message).containsExactly("INFO request served", "WARN slow request");
        List<FilteredLogEvent> paged = new ArrayList<>();
        String[] token = {null};
        for (int page = 0; page < 10; page++) {
            FilterLogEventsResponse response = logsA.filterLogEvents(request -> request.logGroupName("/events").limit(2).nextToken(token[0]));
            paged.addAll(response.events());
            token[0] = response.nextToken();
            if (token[0] == null) {
                break;
            }
        }
        assertThat(token[0]).isNull();
        assertThat(paged).extracting(FilteredLogEvent::message).containsExactly("INFO started", "ERROR disk full", "ERROR other stream", "INFO request served",
                "WARN slow request", "INFO later", "fresh");
        assertThat(paged).extracting(FilteredLogEvent::eventId).doesNotHaveDuplicates();
        assertError(InvalidParameterException.class, () -> logsA.filterLogEvents(request -> request.logGroupName("/events").filterPattern("{ $.level = \"x\" }")),
                "JSON filter patterns");
        assertError(InvalidParameterException.class, () -> logsA.filterLogEvents(request -> request.logGroupName("/events").logStreamNames("s1")
                .logStreamNamePrefix("s")), "mutually exclusive");
    }

    @Test
    void accountsSeeOnlyTheirOwnLogs()
    {
        logsA.createLogGroup(request -> request.logGroupName("/private"));
        logsA.createLogStream(request -> request.logGroupName("/private").logStreamName("s"));
        put(logsA, "/private", "s", Instant.now(), "secret of a");

        assertThat(logsB.describeLogGroups(request -> request.logGroupNamePrefix("/private")).logGroups()).isEmpty();
        assertError(ResourceNotFoundException.class, () -> logsB.getLogEvents(request -> request.logGroupName("/private").logStreamName("s")), "log group");
        assertError(ResourceNotFoundException.class, () -> logsB.filterLogEvents(request -> request.logGroupIdentifier(
                "arn:aws:logs:us-east-1:" + a.accountId() + ":log-group:/private")), "log group");
        assertError(ResourceNotFoundException.class, () -> logsB.describeLogStreams(request -> request.logGroupName("/private")), "log group");
        assertError(ResourceNotFoundException.class, () -> logsB.putLogEvents(request -> request.logGroupName("/private").logStreamName("s")
                .logEvents(event(Instant.now(), "from b"))), "log group");
        assertError(ResourceNotFoundException.class, () -> logsB.deleteLogGroup(request -> request.logGroupName("/private")), "log group");

        // the same name is b's own, apart from a's
        logsB.createLogGroup(request -> request.logGroupName("/private"));
        assertThat(logsB.describeLogStreams(request -> request.logGroupName("/private")).logStreams()).isEmpty();
        assertThat(logsA.getLogEvents(request -> request.logGroupName("/private").logStreamName("s")).events())
                .extracting(OutputLogEvent::message).containsExactly("secret of a");
    }

    @Test
    void awslogsContainersLinesAreReadableThroughGetAndFilterLogEventsAndBerthLogs()
    {
        logsA.createLogGroup(request -> request.logGroupName("/ecs/web"));
        String definition = register("web", "/ecs/web", Map.of(),
                "echo hello from web; echo 'error: something failed' >&2; echo goodbye");
        String taskArn = run(definition);
        String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
        Task stopped = BerthEnvironment.awaitStatus(ecsA, CLUSTER, taskArn, "STOPPED", TIMEOUT);
        assertThat(stopped.containers().get(0).exitCode()).isZero();

        String stream = "web/main/" + taskId;
        List<OutputLogEvent> events = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> logsA.getLogEvents(request -> request.logGroupName("/ecs/web").logStreamName(stream).startFromHead(true)).events(),
                        found -> found.size() >= 3);
        // stdout and stderr are two pipes: their lines interleave by the time the monitor read them, each in its own order
        assertThat(events).extracting(OutputLogEvent::message).containsExactlyInAnyOrder("hello from web", "error: something failed", "goodbye");
        assertThat(events).extracting(OutputLogEvent::message).containsSubsequence("hello from web", "goodbye");
        assertThat(events.get(0).timestamp()).isBetween(stopped.createdAt().toEpochMilli() - 1000, stopped.stoppedAt().toEpochMilli() + 1000);
        assertThat(filter(request -> request.logGroupName("/ecs/web").filterPattern("error")))
                .extracting(FilteredLogEvent::message, FilteredLogEvent::logStreamName).containsExactly(org.assertj.core.groups.Tuple.tuple("error: something failed", stream));
        assertThat(logsA.describeLogStreams(request -> request.logGroupName("/ecs/web")).logStreams()).extracting(LogStream::logStreamName).containsExactly(stream);
        // every line once: the agent's offsets moved on after each batch
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                logsA.getLogEvents(request -> request.logGroupName("/ecs/web").logStreamName(stream).startFromHead(true)).events().size() == 3);

        try (var client = SignedClients.of(environment, a)) {
            assertThat(LogLines.readAll(client, CLUSTER, taskArn)).extracting(LogLines.Line::text).contains("hello from web", "error: something failed", "goodbye");
        }
        // b sees nothing of it
        assertError(ResourceNotFoundException.class, () -> logsB.getLogEvents(request -> request.logGroupName("/ecs/web").logStreamName(stream)), "log group");
    }

    @Test
    void linesWrittenWhileBerthRestartsArriveOnceEachAfterwards()
            throws IOException
    {
        logsA.createLogGroup(request -> request.logGroupName("/ecs/restart"));
        String definition = register("counter", "/ecs/restart", Map.of(),
                "i=0; while [ $i -lt 40 ]; do echo line-$i; i=$((i+1)); sleep 0.25; done");
        String taskArn = run(definition);
        String stream = "web/main/" + taskArn.substring(taskArn.lastIndexOf('/') + 1);
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> logsA.getLogEvents(request -> request.logGroupName("/ecs/restart").logStreamName(stream)).events().size() >= 2);

        // the control plane and the agent go away while the container goes on writing; the lines wait in its log file
        environment.restart();

        BerthEnvironment.awaitStatus(ecsA, CLUSTER, taskArn, "STOPPED", TIMEOUT);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add("line-" + i);
        }
        List<OutputLogEvent> events = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> logsA.getLogEvents(request -> request.logGroupName("/ecs/restart").logStreamName(stream).startFromHead(true)).events(),
                        found -> found.size() >= expected.size());
        assertThat(events).extracting(OutputLogEvent::message).containsExactlyElementsOf(expected);
    }

    @Test
    void aMissingGroupStopsTheTaskUnlessAwslogsCreateGroupIsTrue()
    {
        String missing = register("nogroup", "/ecs/absent", Map.of(), "echo never");
        Task refused = BerthEnvironment.awaitStatus(ecsA, CLUSTER, run(missing), "STOPPED", TIMEOUT);
        assertThat(refused.stoppedReason()).startsWith("ResourceInitializationError: failed to validate logger args").contains("/ecs/absent");
        assertThat(refused.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(logsA.describeLogGroups(request -> request.logGroupNamePrefix("/ecs/absent")).logGroups()).isEmpty();

        String creating = register("mkgroup", "/ecs/made", Map.of("awslogs-create-group", "true"), "echo made it");
        String taskArn = run(creating);
        BerthEnvironment.awaitStatus(ecsA, CLUSTER, taskArn, "STOPPED", TIMEOUT);
        String stream = "web/main/" + taskArn.substring(taskArn.lastIndexOf('/') + 1);
        assertThat(await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> logsA.getLogEvents(request -> request.logGroupName("/ecs/made").logStreamName(stream)).events(), found -> !found.isEmpty()))
                .extracting(OutputLogEvent::message).containsExactly("made it");

        ClientException unsupported = catchThrowableOfType(ClientException.class, () -> register("badopt", "/ecs/made", Map.of("awslogs-datetime-format", "%Y"), "true"));
        assertThat(unsupported).isNotNull();
        assertThat(unsupported.awsErrorDetails().errorMessage()).contains("awslogs-datetime-format");
    }

    @Test
    void awsLogsTailPrintsTheLinesWithAndWithoutFollow()
            throws Exception
    {
        logsA.createLogGroup(request -> request.logGroupName("/ecs/tail"));
        String definition = register("tail", "/ecs/tail", Map.of(), "echo tail-line-one; echo tail-line-two; sleep 30");
        String taskArn = run(definition);
        String stream = "web/main/" + taskArn.substring(taskArn.lastIndexOf('/') + 1);
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(250))
                .until(() -> logsA.getLogEvents(request -> request.logGroupName("/ecs/tail").logStreamName(stream)).events().size() >= 2);

        HostCommand once = AwsCli.run(environment, a, List.of("logs", "tail", "/ecs/tail"), Duration.ofSeconds(60));
        assertThat(once.exitCode()).as(once.output()).isZero();
        assertThat(once.output()).contains(stream).contains("tail-line-one").contains("tail-line-two");

        // --follow never ends by itself: run it for a bounded time, and see a line written while it follows
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(3_000);
                put(logsA, "/ecs/tail", stream, Instant.now(), "tail-line-while-following");
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        HostCommand follow = AwsCli.run(environment, a, List.of("logs", "tail", "/ecs/tail", "--follow", "--since", "5m"), Duration.ofSeconds(15));
        writer.join(10_000);
        assertThat(follow.exitCode()).as(follow.output()).isEqualTo(AwsCli.TIMED_OUT);
        assertThat(follow.output()).contains("tail-line-one").contains("tail-line-while-following");
        ecsA.stopTask(request -> request.cluster(CLUSTER).task(taskArn));
    }

    private String register(String family, String group, Map<String, String> extraOptions, String script)
    {
        Map<String, String> options = new HashMap<>(Map.of("awslogs-group", group, "awslogs-stream-prefix", "web", "awslogs-region", "us-east-1"));
        options.putAll(extraOptions);
        return ecsA.registerTaskDefinition(request -> request
                        .family(family)
                        .cpu("256")
                        .memory("512")
                        .networkMode(NetworkMode.AWSVPC)
                        .requiresCompatibilities(Compatibility.FARGATE)
                        .containerDefinitions(ContainerDefinition.builder().name("main").image(environment.image()).essential(true).stopTimeout(2)
                                .command("sh", "-c", script)
                                .logConfiguration(LogConfiguration.builder().logDriver(LogDriver.AWSLOGS).options(options).build())
                                .build()))
                .taskDefinition().taskDefinitionArn();
    }

    private String run(String definition)
    {
        return ecsA.runTask(request -> request.cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE).networkConfiguration(BerthEnvironment.awsvpc())).tasks().get(0).taskArn();
    }

    private List<FilteredLogEvent> filter(java.util.function.Consumer<software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest.Builder> request)
    {
        return logsA.filterLogEvents(request).events();
    }

    private static LogGroup group(CloudWatchLogsClient client, String name)
    {
        return client.describeLogGroups(request -> request.logGroupNamePrefix(name)).logGroups().stream()
                .filter(group -> group.logGroupName().equals(name)).findFirst().orElseThrow();
    }

    private static void put(CloudWatchLogsClient client, String group, String stream, Instant time, String message)
    {
        client.putLogEvents(request -> request.logGroupName(group).logStreamName(stream).logEvents(event(time, message)));
    }

    private static InputLogEvent event(Instant time, String message)
    {
        return InputLogEvent.builder().timestamp(time.toEpochMilli()).message(message).build();
    }

    private static <T extends CloudWatchLogsException> void assertError(Class<T> type, Runnable call, String messagePart)
    {
        T error = catchThrowableOfType(type, call::run);
        assertThat(error).as("expected " + type.getSimpleName()).isNotNull();
        assertThat(error.statusCode()).isEqualTo(400);
        assertThat(error.awsErrorDetails().errorMessage()).contains(messagePart);
    }

    private CloudWatchLogsClient logs(AccountKeys keys, Region region)
    {
        return CloudWatchLogsClient.builder()
                .endpointOverride(environment.berth().endpoint())
                .region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }
}
