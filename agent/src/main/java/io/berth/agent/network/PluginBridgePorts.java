package io.berth.agent.network;

import com.fasterxml.jackson.databind.JsonNode;

import static java.util.Objects.requireNonNull;

/**
 * Bridge ports made by the CNI bridge and host-local IPAM plugins, a process each: for an agent whose host commands run
 * under a prefix (a test's host namespace), where the agent's own namespace is not the host's.
 */
final class PluginBridgePorts
        implements BridgePorts
{
    private final CniPlugins plugins;
    private final CniBridgeConfigs configs;

    PluginBridgePorts(CniPlugins plugins, CniBridgeConfigs configs)
    {
        this.plugins = requireNonNull(plugins, "plugins is null");
        this.configs = requireNonNull(configs, "configs is null");
    }

    @Override
    public JsonNode add(String owner, String namespacePath, String subnet, int mtu)
            throws NetworkException
    {
        return plugins.run(CniPlugins.ADD, owner, namespacePath, CniBridgeConfigs.INTERFACE, configs.bridge(subnet, mtu, null));
    }

    @Override
    public void releaseAddress(String owner, String namespacePath, String subnet, JsonNode addResult)
            throws NetworkException
    {
        plugins.run(CniPlugins.DEL, owner, namespacePath, CniBridgeConfigs.INTERFACE, configs.addressRelease(subnet, addResult));
    }

    @Override
    public void remove(String owner, String namespacePath, String subnet, int mtu, JsonNode addResult)
            throws NetworkException
    {
        plugins.run(CniPlugins.DEL, owner, namespacePath, CniBridgeConfigs.INTERFACE, configs.bridge(subnet, mtu, addResult));
    }
}
