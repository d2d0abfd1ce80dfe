package io.berth.agent.metadata;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerTokensTest
{
    @TempDir
    Path directory;

    @Test
    void tokenIsStableAcrossAgentRestartsAndDiffersPerContainer()
            throws Exception
    {
        Path secret = directory.resolve("metadata/token-secret");
        ContainerTokens first = ContainerTokens.fromSecretFile(secret);
        String token = first.token("task1", "app");

        assertThat(ContainerTokens.fromSecretFile(secret).token("task1", "app")).isEqualTo(token);
        assertThat(token).startsWith("task1-").hasSize("task1-".length() + 32);
        assertThat(first.token("task1", "sidecar")).isNotEqualTo(token);
        assertThat(first.token("task2", "app")).isNotEqualTo(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
        assertThat(ContainerTokens.taskIdOf(token)).contains("task1");
        assertThat(first.matches(token, "task1", "app")).isTrue();
        assertThat(first.matches(token, "task1", "sidecar")).isFalse();
    }

    @Test
    void anotherAgentsSecretGivesOtherTokens()
    {
        String one = ContainerTokens.fromSecretFile(directory.resolve("one")).token("task1", "app");
        String two = ContainerTokens.fromSecretFile(directory.resolve("two")).token("task1", "app");

        assertThat(one).isNotEqualTo(two);
        assertThat(ContainerTokens.taskIdOf("task1-short")).isEmpty();
    }
}
