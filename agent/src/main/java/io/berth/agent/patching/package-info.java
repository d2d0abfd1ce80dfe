/**
 * The operator's patch commands on this host (`berth host patch`): the control plane starts one per patch through
 * the agent endpoint, it runs under a deadline with its output kept to a bounded size, and the control plane reads
 * how it went by the patch's id.
 */
package io.berth.agent.patching;
