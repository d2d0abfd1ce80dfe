package io.berth.controlplane.taskdefinitions;

/** A port the container listens on. In awsvpc mode hostPort equals containerPort. */
public record PortMapping(Integer containerPort, Integer hostPort, String protocol, String name) {}
