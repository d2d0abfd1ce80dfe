package io.berth.agent.tasks;

import io.berth.agent.images.ImageConfig;
import io.berth.common.agentprotocol.ContainerSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a container's process is built from its image config and its task definition, with Docker's rules:
 * an entryPoint set by the task replaces the image's Entrypoint and drops the image's Cmd; a command set by
 * the task replaces the image's Cmd; task environment variables override the image's by name.
 */
public record ProcessLaunchPlan(List<String> args, List<String> env, String workingDir, String user)
{
    public static ProcessLaunchPlan of(ImageConfig image, ContainerSpec spec, Map<String, String> extraEnvironment)
    {
        return of(image, spec, extraEnvironment, Map.of());
    }

    /** secrets (the container's `secrets`, resolved) win over every other variable of the same name. */
    public static ProcessLaunchPlan of(ImageConfig image, ContainerSpec spec, Map<String, String> extraEnvironment, Map<String, String> secrets)
    {
        List<String> entrypoint = spec.entryPoint() != null ? spec.entryPoint() : image.entrypoint();
        List<String> command;
        if (spec.command() != null) {
            command = spec.command();
        }
        else if (spec.entryPoint() != null) {
            command = List.of();
        }
        else {
            command = image.cmd();
        }
        List<String> args = new ArrayList<>(entrypoint);
        args.addAll(command);

        Map<String, String> environment = new LinkedHashMap<>();
        for (String entry : image.env()) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                environment.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        environment.putAll(extraEnvironment);
        environment.putAll(spec.environment());
        environment.putAll(secrets);
        List<String> env = environment.entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue()).toList();

        String workingDir = spec.workingDirectory() != null ? spec.workingDirectory() : image.workingDir();
        String user = spec.user() != null ? spec.user() : image.user();
        return new ProcessLaunchPlan(args, env, workingDir == null || workingDir.isEmpty() ? "/" : workingDir, user == null || user.isEmpty() ? null : user);
    }
}
