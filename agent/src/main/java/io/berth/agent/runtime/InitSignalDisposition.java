package io.berth.agent.runtime;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a container's init has settled what it does with a signal: caught, blocked (tini waits for signals so) or
 * ignored, as /proc/PID/status tells. The kernel drops a signal that reaches a PID namespace's init while the init still
 * has the default action, so a stop sent in the first moments of a container (before tini or the application set their
 * handlers) would be lost and the container killed only when its stop timeout passed.
 */
final class InitSignalDisposition
{
    /** How runc names its stages before the container's command runs (runc:[0:PARENT], runc:[1:CHILD], runc:[2:INIT]). */
    private static final String RUNC_INIT_STAGE = "runc:[";

    private InitSignalDisposition()
    {
    }

    /**
     * Whether the process with this /proc/PID/status text catches, blocks or ignores the signal (1-64). runc's own init
     * stage (named runc:[2:INIT]) never has: it is still to exec the container's command, which starts with every
     * caught signal back at its default action, while one pending goes on pending (and is dropped then).
     */
    static boolean settled(String status, int signal)
    {
        if (signal < 1 || signal > 64) {
            throw new IllegalArgumentException("signal must be 1-64, got " + signal);
        }
        BigInteger handled = BigInteger.ZERO;
        for (String line : status.split("\n")) {
            if (line.startsWith("Name:") && line.substring("Name:".length()).strip().startsWith(RUNC_INIT_STAGE)) {
                return false;
            }
            int colon = line.indexOf(':');
            if (colon > 0 && switch (line.substring(0, colon)) {
                case "SigBlk", "SigIgn", "SigCgt" -> true;
                default -> false;
            }) {
                handled = handled.or(new BigInteger(line.substring(colon + 1).strip(), 16));
            }
        }
        return handled.testBit(signal - 1);
    }

    /** The same for a live process; true when it cannot be read (gone, or no procfs): there is nothing to wait for then. */
    static boolean settled(int pid, int signal)
    {
        try {
            return settled(Files.readString(Path.of("/proc", Integer.toString(pid), "status")), signal);
        }
        catch (IOException | NumberFormatException e) {
            return true;
        }
    }
}
