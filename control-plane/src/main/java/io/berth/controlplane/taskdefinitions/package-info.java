/**
 * Task definitions: versioned (family:revision) descriptions of the containers of a task and its Fargate
 * size, validated as ECS validates them.
 */
package io.berth.controlplane.taskdefinitions;
