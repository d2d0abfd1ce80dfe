package io.berth.cli.daemon;

import io.berth.cli.commands.Interruptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SessionInterruptionsTest
{
    @Test
    void anInterruptRunsTheRegisteredActionsOnceThenCutsOutputAndInterruptsTheCommand()
    {
        List<String> events = new ArrayList<>();
        SessionInterruptions interruptions = new SessionInterruptions(Thread.currentThread(), () -> events.add("detached"));
        interruptions.onInterrupt(() -> events.add("stop task"));
        Interruptions.Registration closed = interruptions.onInterrupt(() -> events.add("not needed any more"));
        closed.close();

        interruptions.interrupt();
        interruptions.interrupt();

        assertThat(events).containsExactly("stop task", "detached");
        assertThat(Thread.interrupted()).isTrue();
        assertThat(interruptions.finish()).as("an interrupted command did not finish on its own").isFalse();
    }

    @Test
    void anInterruptAfterTheCommandEndedDoesNothing()
    {
        List<String> events = new ArrayList<>();
        SessionInterruptions interruptions = new SessionInterruptions(Thread.currentThread(), () -> events.add("detached"));
        interruptions.onInterrupt(() -> events.add("stop task"));

        assertThat(interruptions.finish()).isTrue();
        interruptions.interrupt();

        assertThat(events).isEmpty();
        assertThat(Thread.interrupted()).isFalse();
    }
}
