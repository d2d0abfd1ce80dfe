/**
 * What the control plane and an agent say about a patch command (`berth host patch`): the control plane starts the
 * operator's command on a host's agent endpoint ({@link io.berth.common.patching.PatchCommandRequest}) and reads how
 * it went ({@link io.berth.common.patching.PatchCommandStatus}). The request body is bound to the call's signature by
 * its SHA-256 in the signed query ({@link io.berth.common.patching.PatchCommandRequest#bodyDigest}).
 */
package io.berth.common.patching;
