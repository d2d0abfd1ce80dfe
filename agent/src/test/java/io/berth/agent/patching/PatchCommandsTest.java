package io.berth.agent.patching;

import io.berth.common.patching.AgentUpgradeRequest;
import io.berth.common.patching.PatchCommandRequest;
import io.berth.common.patching.PatchCommandStatus;
import io.berth.common.patching.PatchCommandStatus.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PatchCommandsTest
{
    @TempDir
    Path directory;

    private final PatchCommands commands = new PatchCommands("host-a");

    @Test
    void runsTheCommandOncePerPatchWithItsOutputAndExitCode()
            throws Exception
    {
        Path counter = directory.resolve("runs");
        PatchCommandRequest request = new PatchCommandRequest("echo run >> " + counter + "; echo \"on $BERTH_HOST_ID for $BERTH_PATCH_ID\"; echo oops >&2; exit 3", 30);
        PatchCommandStatus started = commands.start("p1", request);
        assertThat(started.state()).isEqualTo(State.RUNNING);
        assertThat(started.agentInstance()).isEqualTo(commands.agentInstance());
        PatchCommandStatus ended = awaitEnd("p1");
        // asked again (a control plane that lost the answer), the patch is not run a second time
        assertThat(commands.start("p1", request)).isEqualTo(ended);
        assertThat(ended.state()).isEqualTo(State.FAILED);
        assertThat(ended.exitCode()).isEqualTo(3);
        assertThat(ended.output()).isEqualTo("on host-a for p1\noops\n");
        assertThat(Files.readAllLines(counter)).containsExactly("run");
        assertThat(commands.status("other").state()).isEqualTo(State.UNKNOWN);
    }

    @Test
    void keepsABoundedOutputAndKillsACommandWithItsChildrenAtTheDeadline()
            throws Exception
    {
        commands.start("big", new PatchCommandRequest("yes xxxx | head -c 200000", 30));
        PatchCommandStatus big = awaitEnd("big");
        assertThat(big.state()).isEqualTo(State.SUCCEEDED);
        assertThat(big.output()).startsWith("xxxx").contains("more bytes not kept");
        assertThat(big.output().length()).isLessThan(PatchCommands.MAX_OUTPUT_BYTES + 100);

        Path survivor = directory.resolve("survivor");
        commands.start("slow", new PatchCommandRequest("echo begun; (sleep 3; touch " + survivor + ") & wait", 1));
        PatchCommandStatus slow = awaitEnd("slow");
        assertThat(slow.state()).isEqualTo(State.TIMED_OUT);
        assertThat(slow.exitCode()).isNull();
        assertThat(slow.output()).startsWith("begun\n").contains("[killed: ");
        Thread.sleep(3_500);
        assertThat(survivor).as("the killed command's child").doesNotExist();
    }

    private PatchCommandStatus awaitEnd(String patchId)
    {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> commands.status(patchId), status -> status.state().ended());
    }

    @Test
    void anAgentThatMayNotUpgradeSaysSoAndAnUpgradeThatEndedElsewhereIsAnswered()
    {
        PatchCommands patches = new PatchCommands("host-a");

        PatchCommandStatus refused = patches.startUpgrade("patch-1.host-a", new AgentUpgradeRequest("/builds/berth.tar", "a".repeat(64), 60));
        assertThat(refused.state()).isEqualTo(State.FAILED);
        assertThat(refused.output()).startsWith("this agent cannot be upgraded in place");

        // the upgrade that made this process: recorded by the trial, answered as this process's own
        patches.record("patch-2.host-a", State.SUCCEEDED, "upgraded from build 1 to build 2; the containers kept running");
        PatchCommandStatus upgraded = patches.status("patch-2.host-a");
        assertThat(upgraded.state()).isEqualTo(State.SUCCEEDED);
        assertThat(upgraded.exitCode()).isZero();
        assertThat(upgraded.agentInstance()).isEqualTo(patches.agentInstance());
        assertThat(patches.startUpgrade("patch-2.host-a", new AgentUpgradeRequest("/builds/berth.tar", "a".repeat(64), 60))).as("not started again").isEqualTo(upgraded);
    }
}
