package io.berth.agent.network;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Joins a task's network namespace to the host's bridge (a veth pair, an address of the host's slice, a default route
 * through the gateway) and undoes it. Results have the CNI bridge plugin's result shape, which task states keep and
 * {@link CniBridgeConfigs} reads, whichever way they were made.
 */
interface BridgePorts
{
    /** Makes the port of the namespace at namespacePath for owner (the state's plugin id); mtu 0 leaves the default. */
    JsonNode add(String owner, String namespacePath, String subnet, int mtu)
            throws NetworkException;

    /** Gives the address back alone: the veth goes with its namespace. addResult may be null (a set-up cut short). */
    void releaseAddress(String owner, String namespacePath, String subnet, JsonNode addResult)
            throws NetworkException;

    /** Removes the veth, then gives the address back. addResult may be null (a set-up cut short). */
    void remove(String owner, String namespacePath, String subnet, int mtu, JsonNode addResult)
            throws NetworkException;
}
