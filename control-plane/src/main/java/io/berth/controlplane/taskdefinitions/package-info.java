/**
 * Task definitions: versioned (family:revision) descriptions of the containers of a task and its Fargate
 * size, validated as ECS validates them, with the sandbox fields (capabilities, init, ulimits, read-only
 * root, privileged, pidMode, ipcMode) checked as Fargate checks them.
 */
package io.berth.controlplane.taskdefinitions;
