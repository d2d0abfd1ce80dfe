/**
 * How a host and the control plane prove who they are to each other. A host joins with a bootstrap token and
 * receives a per-host secret; it sends that secret as a bearer credential on every call to the control plane.
 * The control plane keeps only the secret's SHA-256, and signs its own calls to the host (log reads) with an
 * HMAC keyed by that hash, which the host can compute from its secret.
 */
package io.berth.common.hostauth;
