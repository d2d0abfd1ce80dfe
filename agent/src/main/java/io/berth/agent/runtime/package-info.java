/**
 * Running containers: an OCI runtime spec per container, run by an OCI runtime under conmon, so containers keep
 * running while the agent restarts. The runtime is a property of the isolation tier ({@link
 * io.berth.agent.runtime.OciRuntime}: runc for container, runsc for sandbox), and {@link
 * io.berth.agent.runtime.TieredRuntime} puts each container on its tier's runtime behind one interface. The
 * runtime takes a rootfs and a process; it does not pull or mount.
 */
package io.berth.agent.runtime;
