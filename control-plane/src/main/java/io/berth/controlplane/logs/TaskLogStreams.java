package io.berth.controlplane.logs;

import io.berth.common.agentprotocol.AwsLogsDestination;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.LogBatch;
import io.berth.common.agentprotocol.LogBatchRefusedException;
import io.berth.common.agentprotocol.LogLine;
import io.berth.common.agentprotocol.LogShippingLink;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskContainer;
import io.berth.controlplane.tasks.TaskPreparation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The awslogs driver's control-plane side. When a task is created, each awslogs container's group is made if it
 * is missing and awslogs-create-group is true (else the task cannot start, with ECS's wording), and its stream
 * PREFIX/CONTAINER/TASK_ID is made. Later the task's host ships the containers' lines here; they are taken only
 * from the host the task was placed on, and only for containers whose lines go to CloudWatch Logs, into the
 * group and stream this control plane recorded for the task (never a group the host names).
 */
public final class TaskLogStreams
        implements TaskPreparation, LogShippingLink
{
    private static final Logger log = LoggerFactory.getLogger(TaskLogStreams.class);

    private final Store store;
    private final LogService logs;
    private final Clock clock;

    public TaskLogStreams(Store store, LogService logs, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.logs = requireNonNull(logs, "logs is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public Optional<String> prepare(StoreTransaction transaction, Task task)
    {
        Instant now = clock.instant();
        for (TaskContainer container : task.state().containers()) {
            AwsLogsDestination destination = container.spec().awslogs();
            if (destination == null) {
                continue;
            }
            if (!transaction.logGroups().exists(task.accountId(), destination.group())) {
                if (!destination.createGroup()) {
                    return Optional.of("ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: "
                            + "failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1"
                            + " (container " + container.spec().name() + ", log group " + destination.group()
                            + ": create the group, or set the awslogs-create-group option to \"true\")");
                }
                transaction.logGroups().insertIfAbsent(task.accountId(), destination.group(), now);
                log.info("account {} task {}: created log group {} (awslogs-create-group)", task.accountId(), task.taskId(), destination.group());
            }
            transaction.logStreams().insertIfAbsent(task.accountId(), destination.group(), destination.stream(), logs.streamKey(), now);
        }
        return Optional.empty();
    }

    /**
     * Stores the lines of a task's awslogs containers, shipped by its host. Empty lines are dropped (the awslogs
     * driver sends none); lines of a group deleted since the task started are dropped, as CloudWatch would refuse them.
     */
    @Override
    public void shipLogs(LogBatch batch)
    {
        Instant now = clock.instant();
        int dropped = store.inTransaction(transaction -> {
            Task task = transaction.tasks().find(batch.taskId())
                    .filter(candidate -> batch.hostId().equals(candidate.state().hostId()))
                    .orElseThrow(() -> new LogBatchRefusedException("task " + batch.taskId() + " does not run on host " + batch.hostId()));
            Map<String, AwsLogsDestination> destinations = new LinkedHashMap<>();
            for (TaskContainer container : task.state().containers()) {
                ContainerSpec spec = container.spec();
                if (spec.awslogs() != null) {
                    destinations.put(spec.name(), spec.awslogs());
                }
            }
            Map<String, List<InputLogEvent>> byContainer = new LinkedHashMap<>();
            for (LogLine line : batch.lines()) {
                if (!destinations.containsKey(line.container())) {
                    throw new LogBatchRefusedException("container " + line.container() + " of task " + batch.taskId() + " does not log to awslogs");
                }
                if (!line.text().isEmpty()) {
                    byContainer.computeIfAbsent(line.container(), ignored -> new ArrayList<>()).add(new InputLogEvent(line.time(), line.text()));
                }
            }
            int lost = 0;
            for (Map.Entry<String, List<InputLogEvent>> entry : byContainer.entrySet()) {
                AwsLogsDestination destination = destinations.get(entry.getKey());
                if (!transaction.logGroups().exists(task.accountId(), destination.group())) {
                    lost += entry.getValue().size();
                    continue;
                }
                // the stream was made with the task; made again if someone deleted it while the task ran
                transaction.logStreams().insertIfAbsent(task.accountId(), destination.group(), destination.stream(), logs.streamKey(), now);
                LogStream stream = transaction.logStreams().find(task.accountId(), destination.group(), destination.stream()).orElseThrow();
                LogService.append(transaction, stream, entry.getValue(), now);
            }
            return lost;
        });
        if (dropped > 0) {
            log.warn("task {}: dropped {} log lines whose log group no longer exists", batch.taskId(), dropped);
        }
    }
}
