/**
 * Running containers: an OCI runtime spec per container, run by runc under conmon, so containers keep
 * running while the agent restarts. The runtime takes a rootfs and a process; it does not pull or mount.
 */
package io.berth.agent.runtime;
