/**
 * The agent's one way to run a host command: with a deadline, its output captured without blocking that
 * deadline. The runtime (runc) and the task network (ip, bridge, nft, CNI plugins) both use it.
 */
package io.berth.agent.process;
