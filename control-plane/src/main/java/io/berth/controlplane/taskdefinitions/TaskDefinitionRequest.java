package io.berth.controlplane.taskdefinitions;

import java.util.List;
import java.util.Map;

/** RegisterTaskDefinition's input, decoded but not yet validated. cpu and memory are the request's strings. */
public record TaskDefinitionRequest(
        String family,
        List<ContainerDefinition> containerDefinitions,
        String cpu,
        String memory,
        String networkMode,
        String taskRoleArn,
        String executionRoleArn,
        List<String> requiresCompatibilities,
        Map<String, Object> otherFields)
{
    public TaskDefinitionRequest
    {
        containerDefinitions = containerDefinitions == null ? List.of() : List.copyOf(containerDefinitions);
        requiresCompatibilities = requiresCompatibilities == null ? List.of() : List.copyOf(requiresCompatibilities);
        otherFields = otherFields == null ? Map.of() : Map.copyOf(otherFields);
    }
}
