package io.berth.controlplane.agents.access;

import io.berth.common.hostauth.AgentCallKeys;
import io.berth.common.hostauth.AgentCallVerifier;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentCallKeyRingTest
{
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();

    @Test
    void aRotationWritesTheNewKeyAndTheOldOnesPublicPartWithTheEndOfItsGrace()
            throws Exception
    {
        AgentCallKeyRing first = AgentCallKeyRing.loadOrCreate(directory);
        assertThat(first.previous()).isNull();

        AgentCallKeyRing rotated = first.rotated(Duration.ofMinutes(10), clock.instant());
        rotated.writeTo(directory);

        AgentCallKeyRing read = AgentCallKeyRing.load(directory);
        assertThat(read.current().publicKeyText()).isEqualTo(rotated.current().publicKeyText()).isNotEqualTo(first.current().publicKeyText());
        assertThat(read.current().privateKey()).isEqualTo(rotated.current().privateKey());
        assertThat(read.previous().key()).isEqualTo(first.current().publicKeyText());
        assertThat(read.previous().validUntil()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
        assertThat(read.sameKeysAs(rotated)).isTrue();
        assertThat(read.sameKeysAs(first)).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve(AgentCallSigningKey.FILE_NAME)))).isEqualTo("rw-------");

        assertThat(read.previousAt(clock.instant().plus(Duration.ofMinutes(9)))).isPresent();
        assertThat(read.previousAt(clock.instant().plus(Duration.ofMinutes(10)))).isEmpty();
    }

    @Test
    void callsSignedByTheOldKeyVerifyWhileAgentsTakeBothAndNotOnceTheyTakeTheNewOneAlone()
            throws Exception
    {
        ControlPlaneIdentity identity = new ControlPlaneIdentity(clock);
        identity.useKeyDirectory(directory);
        String before = identity.sign("host-1", "GET", "/v1/tasks/t/logs", "max=1", null);
        String oldKey = identity.publicKeyText();

        identity.rotate(Duration.ofSeconds(30));
        String after = identity.sign("host-1", "GET", "/v1/tasks/t/logs", "max=1", null);

        AgentCallVerifier both = new AgentCallVerifier("host-1", () -> List.of(AgentCallKeys.decode(identity.publicKeyText()), AgentCallKeys.decode(oldKey)), clock);
        AgentCallVerifier newOnly = new AgentCallVerifier("host-1", () -> List.of(AgentCallKeys.decode(identity.publicKeyText())), clock);
        assertThat(both.verify(before, "GET", "/v1/tasks/t/logs", "max=1", null)).isEmpty();
        assertThat(both.verify(after, "GET", "/v1/tasks/t/logs", "max=1", null)).isEmpty();
        assertThat(newOnly.verify(identity.sign("host-1", "GET", "/v1/tasks/t/logs", "max=1", null), "GET", "/v1/tasks/t/logs", "max=1", null)).isEmpty();
        assertThat(newOnly.verify(before, "GET", "/v1/tasks/t/logs", "max=1", null)).as("signed by the old key, taken by an agent past the grace").isPresent();
        // the directory holds the new ring: a restart signs with the new key
        assertThat(AgentCallKeyRing.load(directory).current().publicKeyText()).isEqualTo(identity.publicKeyText());
    }

    @Test
    void aDamagedPreviousFileStopsTheLoadSayingWhatToDo()
            throws Exception
    {
        AgentCallKeyRing.loadOrCreate(directory);
        Files.writeString(directory.resolve(AgentCallKeyRing.PREVIOUS_FILE_NAME), "garbage");

        assertThatThrownBy(() -> AgentCallKeyRing.load(directory)).hasMessageContaining("is damaged").hasMessageContaining("remove it");
    }
}
