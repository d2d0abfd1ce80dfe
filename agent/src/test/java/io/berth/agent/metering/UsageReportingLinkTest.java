package io.berth.agent.metering;

import io.berth.agent.runtime.ContainerUsage;
import io.berth.common.agentprotocol.ControlPlaneLink;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.common.agentprotocol.TaskUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class UsageReportingLinkTest
{
    private static final HostInfo HOST = new HostInfo("host-1", "127.0.0.1", 2048, 4096, Map.of());
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path directory;

    private SyncRequest lastSent;

    @Test
    void aRunningTasksUsageIsRenewedOnlyEverySoOftenAndAStoppedTasksAtOnce()
    {
        UsageLedger ledger = new UsageLedger(directory);
        UsageReportingLink link = new UsageReportingLink(new ControlPlaneLink()
        {
            @Override
            public SyncResponse sync(SyncRequest request)
            {
                lastSent = request;
                return new SyncResponse(List.of());
            }

            @Override
            public void awaitChange(String hostId, Duration timeout) {}
        }, ledger);

        ledger.record("task1-app", new ContainerUsage(1_000_000_000L, 10 * MIB, OptionalLong.empty()), T0);
        TaskUsage first = usageSent(link, TaskReport.Status.RUNNING);
        assertThat(first.sampledAt()).isEqualTo(T0);

        // sampled again 5 s later: the report keeps the usage it had, so it is unchanged (and a delta sync leaves it out)
        ledger.record("task1-app", new ContainerUsage(2_000_000_000L, 10 * MIB, OptionalLong.empty()), T0.plusSeconds(5));
        assertThat(usageSent(link, TaskReport.Status.RUNNING)).isEqualTo(first);

        ledger.record("task1-app", new ContainerUsage(4_000_000_000L, 10 * MIB, OptionalLong.empty()), T0.plus(UsageReportingLink.RUNNING_USAGE_INTERVAL));
        TaskUsage renewed = usageSent(link, TaskReport.Status.RUNNING);
        assertThat(renewed.sampledAt()).isEqualTo(T0.plus(UsageReportingLink.RUNNING_USAGE_INTERVAL));
        assertThat(renewed.cpuSeconds()).isEqualTo(4.0);

        // the last reading before the container went: with the STOPPED report, at once
        ledger.recordLast("task1-app", new ContainerUsage(5_000_000_000L, 10 * MIB, OptionalLong.empty()), T0.plus(UsageReportingLink.RUNNING_USAGE_INTERVAL).plusSeconds(1));
        assertThat(usageSent(link, TaskReport.Status.STOPPED).cpuSeconds()).isEqualTo(5.0);
    }

    private TaskUsage usageSent(UsageReportingLink link, TaskReport.Status status)
    {
        link.sync(new SyncRequest(HOST, List.of(new TaskReport("task1", status, T0, T0, T0, null, null, null, List.of()))));
        return lastSent.tasks().getFirst().usage();
    }
}
