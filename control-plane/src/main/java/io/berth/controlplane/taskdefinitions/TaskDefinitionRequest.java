package io.berth.controlplane.taskdefinitions;

import io.berth.controlplane.resources.Tag;

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
        Map<String, Object> otherFields,
        List<Tag> tags)
{
    public TaskDefinitionRequest
    {
        containerDefinitions = containerDefinitions == null ? List.of() : List.copyOf(containerDefinitions);
        requiresCompatibilities = requiresCompatibilities == null ? List.of() : List.copyOf(requiresCompatibilities);
        otherFields = otherFields == null ? Map.of() : Map.copyOf(otherFields);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** A request without tags. */
    public TaskDefinitionRequest(String family, List<ContainerDefinition> containerDefinitions, String cpu, String memory, String networkMode,
            String taskRoleArn, String executionRoleArn, List<String> requiresCompatibilities, Map<String, Object> otherFields)
    {
        this(family, containerDefinitions, cpu, memory, networkMode, taskRoleArn, executionRoleArn, requiresCompatibilities, otherFields, List.of());
    }
}
