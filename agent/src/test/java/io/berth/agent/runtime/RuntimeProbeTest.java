package io.berth.agent.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Fault injection for the runtime probe: a missing, failing or hanging runsc leaves the host without the tier, in time. */
class RuntimeProbeTest
{
    @TempDir
    Path directory;

    @Test
    void debiansRunscAnswers()
    {
        assertThat(RuntimeProbe.problem(OciRuntime.DEFAULT_RUNSC, RuntimeProbe.DEADLINE)).isEmpty();
    }

    @Test
    void aMissingOrNotExecutableBinaryIsNamed()
            throws IOException
    {
        assertThat(RuntimeProbe.problem(directory.resolve("runsc"), RuntimeProbe.DEADLINE)).hasValue(directory.resolve("runsc") + " does not exist");
        Path plain = Files.writeString(directory.resolve("plain"), "not a program");
        assertThat(RuntimeProbe.problem(plain, RuntimeProbe.DEADLINE)).hasValue(plain + " is not executable");
    }

    @Test
    void aBinaryThatFailsSaysHow()
            throws IOException
    {
        Path failing = script("failing", "echo 'cannot load platform' >&2; exit 2");

        assertThat(RuntimeProbe.problem(failing, RuntimeProbe.DEADLINE)).hasValueSatisfying(problem ->
                assertThat(problem).contains("exit code 2").contains("cannot load platform"));
    }

    @Test
    void aBinaryThatHangsIsGivenUpAtTheDeadline()
            throws IOException
    {
        Path hanging = script("hanging", "exec sleep 60");
        Instant started = Instant.now();

        assertThat(RuntimeProbe.problem(hanging, Duration.ofSeconds(1))).hasValueSatisfying(problem -> assertThat(problem).contains("did not finish within 1 s"));
        assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(20));
    }

    private Path script(String name, String body)
            throws IOException
    {
        Path script = directory.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }
}
