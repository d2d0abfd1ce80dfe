package io.berth.cli.commands;

import io.berth.cli.client.BerthClientException;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;

/** berth logs: a task's output so far, or (-f) until the task stops. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a task's output; -f follows it until the task stops.")
public final class LogsCommand
        extends ControlPlaneCommand
{
    private static final Duration POLL_INTERVAL = Duration.ofMillis(300);

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the task has stopped")
    boolean follow;

    @Option(names = "--cluster", description = "Cluster (default: from the ARN, else the default cluster)")
    String cluster;

    @Parameters(index = "0", paramLabel = "TASK", description = "Task id or ARN")
    String task;

    public LogsCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
            throws InterruptedException
    {
        TaskReference reference = TaskReference.parse(task);
        Optional<String> clusterName = Optional.ofNullable(cluster).or(reference::cluster);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (BerthClient client = connect()) {
            String taskId = TaskReference.idOf(TaskResolver.resolve(client, clusterName, reference, task));
            TaskLogReader logs = new TaskLogReader(client, taskId, clusterName);
            while (true) {
                TaskLogReader.Page page = printNext(logs, out, err);
                if (page.complete() || (!follow && page.lineCount() == 0)) {
                    return 0;
                }
                if (page.lineCount() == 0) {
                    Thread.sleep(POLL_INTERVAL);
                }
            }
        }
    }

    private TaskLogReader.Page printNext(TaskLogReader logs, PrintWriter out, PrintWriter err)
    {
        try {
            return logs.printNext(out, err, follow ? RunCommand.FOLLOW_WAIT : Duration.ZERO);
        }
        catch (BerthClientException e) {
            if (e.errorType().isEmpty()) {
                throw e;
            }
            // the API's message does not say which task it could not find
            throw new CommandFailedException("cannot read the logs of task " + task.strip() + ": " + e.getMessage());
        }
    }
}
