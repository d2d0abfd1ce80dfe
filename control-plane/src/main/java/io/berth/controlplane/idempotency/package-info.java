/**
 * Idempotent requests by client token, as ECS has them for RunTask and CreateService: within a window the same
 * token with the same request answers what the first request made, and the same token with another request is
 * refused. Tokens are per account and scope (the action and cluster); the request is compared by a digest the API
 * edge computes, so this package knows no wire format.
 */
package io.berth.controlplane.idempotency;
