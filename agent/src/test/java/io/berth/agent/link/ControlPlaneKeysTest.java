package io.berth.agent.link;

import io.berth.common.hostauth.AgentCallKeys;
import io.berth.common.hostauth.PreviousAgentCallKey;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControlPlaneKeysTest
{
    private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock(START);
    private final String oldKey = AgentCallKeys.encode(AgentCallKeys.newKeyPair().getPublic());
    private final String newKey = AgentCallKeys.encode(AgentCallKeys.newKeyPair().getPublic());

    @Test
    void theKeyRotatedAwayFromIsTakenUntilTheEndOfItsGraceByTheAgentsOwnClock()
            throws Exception
    {
        ControlPlaneKeys keys = ControlPlaneKeys.load(directory, clock);
        keys.update(oldKey, null);
        assertThat(keys.current()).containsExactly(AgentCallKeys.decode(oldKey));

        keys.update(newKey, new PreviousAgentCallKey(oldKey, START.plusSeconds(60)).headerValue());
        assertThat(keys.current()).containsExactly(AgentCallKeys.decode(newKey), AgentCallKeys.decode(oldKey));

        // no sync needed to end the grace: an agent cut off from the control plane refuses the old key all the same
        clock.set(START.plusSeconds(60));
        assertThat(keys.current()).containsExactly(AgentCallKeys.decode(newKey));
        assertThat(ControlPlaneKeys.load(directory, clock).current()).containsExactly(AgentCallKeys.decode(newKey));
    }

    @Test
    void aDamagedPreviousKeyInAnAnswerLeavesTheCurrentOneAloneAndADamagedFileSaysWhatToDo()
            throws Exception
    {
        ControlPlaneKeys keys = ControlPlaneKeys.load(directory, clock);
        keys.update(newKey, "not a key");
        assertThat(keys.current()).containsExactly(AgentCallKeys.decode(newKey));

        Files.writeString(directory.resolve(ControlPlaneKeys.PREVIOUS_FILE_NAME), "garbage");
        assertThatThrownBy(() -> ControlPlaneKeys.load(directory, clock))
                .hasMessageContaining(ControlPlaneKeys.PREVIOUS_FILE_NAME).hasMessageContaining("is damaged").hasMessageContaining("remove it");
    }
}
