package io.berth.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * How a test image runs (the OCI config fields) plus text files to add to its rootfs, keyed by path without a
 * leading slash, written with mode 0755 so they can be scripts.
 */
public record TestImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user, Map<String, String> extraFiles)
{
    public static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public TestImageConfig
    {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        requireNonNull(workingDir, "workingDir is null");
        requireNonNull(user, "user is null");
        extraFiles = Map.copyOf(extraFiles);
    }

    /** Busybox with {@code sh} as command and a standard PATH, running as root in {@code /}. */
    public static TestImageConfig busybox()
    {
        return new TestImageConfig(List.of(), List.of("sh"), List.of(DEFAULT_PATH), "", "", Map.of());
    }

    public TestImageConfig withEntrypoint(String... values)
    {
        return new TestImageConfig(List.of(values), cmd, env, workingDir, user, extraFiles);
    }

    public TestImageConfig withCmd(String... values)
    {
        return new TestImageConfig(entrypoint, List.of(values), env, workingDir, user, extraFiles);
    }

    public TestImageConfig withEnv(String... values)
    {
        return new TestImageConfig(entrypoint, cmd, List.of(values), workingDir, user, extraFiles);
    }

    public TestImageConfig withWorkingDir(String value)
    {
        return new TestImageConfig(entrypoint, cmd, env, value, user, extraFiles);
    }

    public TestImageConfig withUser(String value)
    {
        return new TestImageConfig(entrypoint, cmd, env, workingDir, value, extraFiles);
    }

    public TestImageConfig withFile(String path, String content)
    {
        Map<String, String> files = new LinkedHashMap<>(extraFiles);
        files.put(path, content);
        return new TestImageConfig(entrypoint, cmd, env, workingDir, user, files);
    }
}
