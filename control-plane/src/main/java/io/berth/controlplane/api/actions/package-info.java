/**
 * The ECS actions: each decodes the AWS JSON 1.1 request, calls one service method, and encodes the ECS
 * response shape. Wire shapes live in the *Wire mapper classes, nowhere else.
 */
package io.berth.controlplane.api.actions;
