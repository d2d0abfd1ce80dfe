/**
 * How a host and the control plane prove who they are to each other. A host joins with a bootstrap token and
 * receives a per-host secret; it sends that secret as a bearer credential on every call to the control plane.
 * The control plane keeps only the secret's SHA-256. Its own calls to the host (log reads, patches) it signs with an
 * Ed25519 key of its own that the store never holds, whose public key the host pins at the join and learns again at
 * each sync ({@link io.berth.common.hostauth.AgentCallSignature}). Secrets rotate without a new join: the old one stays
 * good for a grace period.
 */
package io.berth.common.hostauth;
