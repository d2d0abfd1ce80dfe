package io.berth.agent.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InitSignalDispositionTest
{
    // as tini has it once set up: the signals it forwards blocked (it waits for them), SIGTERM (15) among them
    private static final String TINI = """
            Name:\ttini
            SigQ:\t0/15421
            SigPnd:\t0000000000000000
            ShdPnd:\t0000000000000000
            SigBlk:\tfffffffe7ff9feff
            SigIgn:\t0000000000000000
            SigCgt:\t0000000000000000
            """;
    // sh before its trap: SIGTERM has the default action
    private static final String SHELL = """
            Name:\tsh
            SigBlk:\t0000000000000000
            SigIgn:\t0000000000000004
            SigCgt:\t0000000000010002
            """;

    @Test
    void aBlockedCaughtOrIgnoredSignalIsSettled()
    {
        assertThat(InitSignalDisposition.settled(TINI, 15)).isTrue();
        // SIGINT (2) caught, SIGQUIT (3) ignored, SIGCHLD (17) caught
        assertThat(InitSignalDisposition.settled(SHELL, 2)).isTrue();
        assertThat(InitSignalDisposition.settled(SHELL, 3)).isTrue();
        assertThat(InitSignalDisposition.settled(SHELL, 17)).isTrue();
    }

    @Test
    void aSignalWithTheDefaultActionIsNot()
    {
        assertThat(InitSignalDisposition.settled(SHELL, 15)).isFalse();
        assertThat(InitSignalDisposition.settled(SHELL, 64)).isFalse();
        assertThat(InitSignalDisposition.settled("Name:\tx\n", 15)).isFalse();
        assertThatThrownBy(() -> InitSignalDisposition.settled(SHELL, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runcsInitStageHasNotSettledAnythingYet()
    {
        // the Go runtime of runc's init catches every signal until it execs the container's command
        String runcInit = """
                Name:\trunc:[2:INIT]
                SigBlk:\t0000000000000000
                SigIgn:\t0000000000000000
                SigCgt:\tfffffffffffffeff
                """;
        assertThat(InitSignalDisposition.settled(runcInit, 15)).isFalse();
    }

    @Test
    void aProcessThatIsGoneLeavesNothingToWaitFor()
    {
        assertThat(InitSignalDisposition.settled(Integer.MAX_VALUE, 15)).isTrue();
        assertThat(InitSignalDisposition.settled((int) ProcessHandle.current().pid(), 15)).as("this JVM catches SIGTERM").isTrue();
    }
}
