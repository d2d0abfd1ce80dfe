package io.berth.agent.images;

import java.util.List;

/** The parts of an OCI image config that decide how its process runs. Lists are never null. */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user)
{
    public ImageConfig
    {
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        env = env == null ? List.of() : List.copyOf(env);
    }
}
