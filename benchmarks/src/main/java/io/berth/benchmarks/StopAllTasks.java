package io.berth.benchmarks;

import software.amazon.awssdk.services.ecs.model.DesiredStatus;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Cleanup: every task of the cluster that should still run is stopped, and waited for (bounded) until STOPPED. */
final class StopAllTasks
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private StopAllTasks() {}

    static void stop(BenchmarkCluster target)
            throws IOException, InterruptedException
    {
        List<String> running = target.ecs().listTasks(request -> request.cluster(target.cluster()).desiredStatus(DesiredStatus.RUNNING).maxResults(100))
                .taskArns();
        for (String taskArn : running) {
            target.ecs().stopTask(request -> request.cluster(target.cluster()).task(taskArn).reason("benchmark cleanup"));
        }
        if (!running.isEmpty()) {
            new TaskObserver(target, POLL_INTERVAL).awaitStatus(running, "STOPPED", TIMEOUT);
        }
    }
}
