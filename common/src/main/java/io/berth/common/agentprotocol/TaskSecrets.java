package io.berth.common.agentprotocol;

import java.util.Map;

/**
 * What a task's containers get from their account's secrets, resolved by the control plane for this task only when
 * it hands the task to its host: environment (container name to variable name to value: the container's `secrets`)
 * and registryLogins (container name to the login its image is pulled with: its `repositoryCredentials`). Carried
 * in the assignment, never stored by the agent nor printed (toString hides the values).
 */
public record TaskSecrets(Map<String, Map<String, String>> environment, Map<String, RegistryLogin> registryLogins)
{
    public static final TaskSecrets NONE = new TaskSecrets(Map.of(), Map.of());

    public TaskSecrets
    {
        environment = environment == null ? Map.of() : environment.entrySet().stream()
                .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey, entry -> Map.copyOf(entry.getValue())));
        registryLogins = registryLogins == null ? Map.of() : Map.copyOf(registryLogins);
    }

    /** The container's secret variables (none when it has no secrets). */
    public Map<String, String> environmentOf(String containerName)
    {
        return environment.getOrDefault(containerName, Map.of());
    }

    public boolean isEmpty()
    {
        return environment.isEmpty() && registryLogins.isEmpty();
    }

    @Override
    public String toString()
    {
        return "TaskSecrets[environment of " + environment.keySet() + ", registryLogins of " + registryLogins.keySet() + ", values <hidden>]";
    }
}
