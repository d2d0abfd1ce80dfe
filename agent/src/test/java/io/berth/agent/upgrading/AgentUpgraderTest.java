package io.berth.agent.upgrading;

import io.berth.common.patching.AgentUpgradeRequest;
import io.berth.common.patching.PatchCommandStatus.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AgentUpgraderTest
{
    private static final List<String> COMMAND = List.of("/usr/bin/java", "-Xmx64m", "-cp", "/opt/berth/berth-cli-1.0.jar:/opt/berth/lib/a.jar", "io.berth.cli.Main", "agent");

    @TempDir
    Path directory;

    private final List<List<String>> handedOver = new ArrayList<>();

    private UpgradeState state()
    {
        return new UpgradeState(directory.resolve("upgrade"));
    }

    @Test
    void handsOverToTheNewBuildWithTheSameArgumentsAndRecordsTheTrial()
            throws Exception
    {
        Path archive = TestBuilds.build(directory, "berth 2.0", false);
        AgentUpgrader upgrader = upgrader(command -> {
            handedOver.add(command);
            throw new IOException("execv failed (-1, errno 7)");
        });

        UpgradeState.Outcome outcome = upgrader.upgrade("patch-1.host-a", new AgentUpgradeRequest(archive.toString(), AgentBuildsTest.sha256(archive), 60));

        Path build = directory.resolve("builds").resolve(AgentBuildsTest.sha256(archive).substring(0, 16));
        assertThat(handedOver).containsExactly(List.of("/usr/bin/java", "-Xmx64m", "-cp", build.resolve("berth-cli-9.9.9-test.jar") + ":" + build.resolve("lib/library.jar"),
                "io.berth.cli.Main", "agent"));
        // the exec failed: the old agent goes on, and says why
        assertThat(outcome.state()).isEqualTo(State.FAILED);
        assertThat(outcome.output()).isEqualTo("the new build could not be started: execv failed (-1, errno 7); the agent goes on with build 1.0");
        assertThat(state().pending()).isEmpty();
        assertThat(state().outcome()).contains(outcome);
    }

    @Test
    void aBuildThatIsRefusedIsNeverHandedOverTo()
            throws Exception
    {
        Path archive = TestBuilds.build(directory, "berth 2.0", false);
        AgentUpgrader upgrader = upgrader(handedOver::add);

        UpgradeState.Outcome outcome = upgrader.upgrade("patch-1.host-a", new AgentUpgradeRequest(archive.toString(), "1".repeat(64), 60));

        assertThat(handedOver).isEmpty();
        assertThat(outcome.state()).isEqualTo(State.FAILED);
        assertThat(outcome.output()).startsWith("the upgrade failed: the build at " + archive + " has SHA-256 ").endsWith("; the agent goes on with build 1.0");
        assertThat(state().pending()).isEmpty();
    }

    @Test
    void theTrialKeepsWhatARollbackNeeds()
            throws Exception
    {
        Path archive = TestBuilds.build(directory, "berth 2.0", false);
        List<PendingUpgrade> seen = new ArrayList<>();
        AgentUpgrader upgrader = upgrader(command -> {
            seen.add(state().pending().orElseThrow());
            throw new IOException("stop here");
        });

        upgrader.upgrade("patch-1.host-a", new AgentUpgradeRequest(archive.toString(), AgentBuildsTest.sha256(archive), 60));

        assertThat(seen).singleElement().satisfies(pending -> {
            assertThat(pending.patchId()).isEqualTo("patch-1.host-a");
            assertThat(pending.fromVersion()).isEqualTo("1.0");
            assertThat(pending.toVersion()).isEqualTo("2.0");
            assertThat(pending.previousCommand()).isEqualTo(COMMAND);
        });
    }

    private AgentUpgrader upgrader(AgentUpgrader.Handover handover)
    {
        AgentBuilds builds = new AgentBuilds(directory.resolve("builds"), Path.of(System.getProperty("java.home"), "bin", "java"), HttpClient.newHttpClient(),
                Clock.systemUTC());
        return new AgentUpgrader("host-a", "1.0", builds, new UpgradeState(directory.resolve("upgrade")), () -> COMMAND, handover, Clock.systemUTC());
    }
}
