package io.berth.agent.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The capability set of a container, by Docker's rule that ECS documents: drop first (ALL drops every
 * default one), then add.
 */
final class ContainerCapabilities
{
    private ContainerCapabilities() {}

    static List<String> resolve(List<String> defaults, List<String> add, List<String> drop)
    {
        List<String> dropped = drop.stream().map(ContainerCapabilities::kernelName).toList();
        List<String> result = new ArrayList<>();
        if (!dropped.contains("CAP_ALL")) {
            defaults.stream().filter(capability -> !dropped.contains(capability)).forEach(result::add);
        }
        for (String capability : add) {
            String name = kernelName(capability);
            if (name.equals("CAP_ALL")) {
                throw new IllegalArgumentException("adding ALL capabilities is not supported");
            }
            if (!result.contains(name)) {
                result.add(name);
            }
        }
        return List.copyOf(result);
    }

    /** "SYS_PTRACE" and "CAP_SYS_PTRACE" both name CAP_SYS_PTRACE. */
    static String kernelName(String capability)
    {
        String upper = capability.toUpperCase(Locale.ROOT);
        return upper.startsWith("CAP_") ? upper : "CAP_" + upper;
    }
}
