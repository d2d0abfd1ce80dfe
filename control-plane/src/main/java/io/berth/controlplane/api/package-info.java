/**
 * The edge of the control plane: AWS JSON 1.1 over HTTP, SigV4 authentication, dispatch by X-Amz-Target to
 * one {@link io.berth.controlplane.api.EcsAction} per ECS action, and the ECS error shape. Nothing past this
 * package knows about JSON wire shapes.
 */
package io.berth.controlplane.api;
