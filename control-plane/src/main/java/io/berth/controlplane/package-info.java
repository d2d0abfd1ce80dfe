/**
 * The control plane: holds desired state, decides, and answers the ECS API. Agents pull their desired
 * state from it and push their actual state to it.
 */
package io.berth.controlplane;
