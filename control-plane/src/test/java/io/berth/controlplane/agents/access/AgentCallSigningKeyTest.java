package io.berth.controlplane.agents.access;

import io.berth.common.hostauth.AgentCallKeys;
import io.berth.common.hostauth.AgentCallVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentCallSigningKeyTest
{
    @TempDir
    Path directory;

    @Test
    void theKeyIsMadeOnceReadableByItsOwnerOnlyAndKept()
            throws Exception
    {
        Path file = directory.resolve("tls").resolve(AgentCallSigningKey.FILE_NAME);
        AgentCallSigningKey made = AgentCallSigningKey.loadOrCreate(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        AgentCallSigningKey again = AgentCallSigningKey.loadOrCreate(file);
        assertThat(again.publicKeyText()).isEqualTo(made.publicKeyText());
        assertThat(again.privateKey()).isEqualTo(made.privateKey());
    }

    @Test
    void aDamagedKeyFileStopsTheStartSayingWhatToDo()
            throws Exception
    {
        Path file = directory.resolve(AgentCallSigningKey.FILE_NAME);
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        assertThatThrownBy(() -> AgentCallSigningKey.loadOrCreate(file)).hasMessageContaining("damaged").hasMessageContaining("restore it");
    }

    @Test
    void callsTheIdentitySignsVerifyWithItsPublicKeyOnly()
            throws Exception
    {
        ControlPlaneIdentity identity = new ControlPlaneIdentity(Clock.systemUTC());
        identity.useSigningKey(AgentCallSigningKey.loadOrCreate(directory.resolve(AgentCallSigningKey.FILE_NAME)));
        AgentCallVerifier verifier = new AgentCallVerifier("host-1", () -> List.of(AgentCallKeys.decode(identity.publicKeyText())), Clock.systemUTC());
        AgentCallVerifier other = new AgentCallVerifier("host-1", () -> List.of(AgentCallKeys.newKeyPair().getPublic()), Clock.systemUTC());

        assertThat(verifier.verify(identity.sign("host-1", "GET", "/v1/tasks/t/logs", "max=1", null), "GET", "/v1/tasks/t/logs", "max=1", null)).isEmpty();
        assertThat(other.verify(identity.sign("host-1", "GET", "/v1/tasks/t/logs", "max=1", null), "GET", "/v1/tasks/t/logs", "max=1", null)).isPresent();
        assertThat(identity.agentTls()).as("no CA: agents are called over plain HTTP").isEmpty();
    }
}
