package io.berth.cli.commands;

/**
 * Where a command learns that its user interrupted it (Ctrl-C): in a command's own JVM that is the JVM's shutdown, in
 * the CLI daemon the client's interrupt or hang-up. A command that leaves something behind when cut short (berth run:
 * a task) registers what undoes it.
 */
@FunctionalInterface
public interface Interruptions
{
    /** Runs action when the command is interrupted, unless the returned registration was closed first. */
    Registration onInterrupt(Runnable action);

    /** An action registered for an interrupt; closing it means the command ended on its own and needs it no more. */
    interface Registration
            extends AutoCloseable
    {
        @Override
        void close();
    }

    /** Ctrl-C ends this JVM: the action runs as a shutdown hook. */
    static Interruptions jvmShutdown()
    {
        return action -> {
            Thread hook = new Thread(action, "berth-interrupt");
            Runtime.getRuntime().addShutdownHook(hook);
            return () -> {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
                catch (IllegalStateException e) {
                    // the JVM is already shutting down (Ctrl-C); the hook is running
                }
            };
        };
    }
}
