package io.berth.agent.runtime;

import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** One setrlimit(2) limit as the OCI spec names it (RLIMIT_NOFILE, ...), soft at most hard. */
public record ResourceLimit(String type, long soft, long hard)
{
    /** ECS's ulimit names and the kernel limits they set (Docker's mapping). */
    private static final Map<String, String> BY_ULIMIT_NAME = Map.ofEntries(
            Map.entry("core", "RLIMIT_CORE"),
            Map.entry("cpu", "RLIMIT_CPU"),
            Map.entry("data", "RLIMIT_DATA"),
            Map.entry("fsize", "RLIMIT_FSIZE"),
            Map.entry("locks", "RLIMIT_LOCKS"),
            Map.entry("memlock", "RLIMIT_MEMLOCK"),
            Map.entry("msgqueue", "RLIMIT_MSGQUEUE"),
            Map.entry("nice", "RLIMIT_NICE"),
            Map.entry("nofile", "RLIMIT_NOFILE"),
            Map.entry("nproc", "RLIMIT_NPROC"),
            Map.entry("rss", "RLIMIT_RSS"),
            Map.entry("rtprio", "RLIMIT_RTPRIO"),
            Map.entry("rttime", "RLIMIT_RTTIME"),
            Map.entry("sigpending", "RLIMIT_SIGPENDING"),
            Map.entry("stack", "RLIMIT_STACK"));

    public static final String OPEN_FILES = "RLIMIT_NOFILE";

    public ResourceLimit
    {
        requireNonNull(type, "type is null");
        if (!BY_ULIMIT_NAME.containsValue(type)) {
            throw new IllegalArgumentException("unknown resource limit: " + type);
        }
        if (soft < 0 || hard < 0 || soft > hard) {
            throw new IllegalArgumentException(type + ": need 0 <= soft (" + soft + ") <= hard (" + hard + ")");
        }
    }

    /** From an ECS ulimit entry: "nofile" becomes RLIMIT_NOFILE. */
    public static ResourceLimit fromUlimit(String name, long soft, long hard)
    {
        String type = BY_ULIMIT_NAME.get(name.toLowerCase(Locale.ROOT));
        if (type == null) {
            throw new IllegalArgumentException("unknown ulimit name: " + name);
        }
        return new ResourceLimit(type, soft, hard);
    }
}
