package io.berth.agent.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RuncMessagesTest
{
    @Test
    void takesTheLastErrorOfAJsonLogWithoutRuncsPrefixes()
    {
        String log = """
                {"level":"warning","msg":"something minor","time":"2026-01-01T00:00:00Z"}
                {"level":"error","msg":"runc create failed: unable to start container process: exec: \\"nope\\": executable file not found in $PATH","time":"2026-01-01T00:00:00Z"}
                {"level":"err
                """;

        assertThat(RuncMessages.fromJsonLog(log)).contains("exec: \"nope\": executable file not found in $PATH");
        assertThat(RuncMessages.fromJsonLog("{\"level\":\"info\",\"msg\":\"fine\"}\n")).isEmpty();
    }

    @Test
    void readsTextStderr()
    {
        assertThat(RuncMessages.fromStderr("time=\"2026-01-01T00:00:00Z\" level=error msg=\"container \\\"x\\\" is not running\"\n"))
                .isEqualTo("container \"x\" is not running");
        assertThat(RuncMessages.fromStderr("plain failure\n")).isEqualTo("plain failure");
    }
}
