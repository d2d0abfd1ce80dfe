package io.berth.agent.network;

import io.berth.common.network.Ipv4Cidr;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Makes 169.254.170.2:80, where the AWS SDKs read a task's role credentials (`http://169.254.170.2` +
 * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) and ECS's metadata paths, lead to the agent's metadata endpoint on the
 * gateway: an nftables table inside the task's own network namespace DNATs the connections its processes open
 * (hook output, so runc's containers and gVisor's sandbox with the host network of that namespace alike). Inside
 * the task, not on the host: the source stays the task's address, which the endpoint checks to serve a task only
 * its own credentials, and the host's tenant tables (which keep tasks' addresses apart, with no NAT between them)
 * stay as they are. The task's default route through the gateway carries 169.254.170.2 out; after the DNAT the
 * packet goes to the gateway, which the tenant firewall opens at the metadata port. The table goes with the
 * namespace.
 */
final class TaskMetadataAddress
{
    /** The link-local address ECS serves task credentials and metadata on. */
    static final String ADDRESS = "169.254.170.2";
    static final int PORT = 80;
    static final String TABLE = "berth_task_metadata";

    private TaskMetadataAddress() {}

    /** The table, replacing any earlier one in one nft transaction (the port can differ after an agent restart). */
    static String render(String gateway, int metadataPort)
    {
        requireNonNull(gateway, "gateway is null");
        // parses, so nothing but an address reaches nft
        Ipv4Cidr.parseAddress(gateway);
        if (metadataPort < 1 || metadataPort > 65535) {
            throw new IllegalArgumentException("metadata port out of range: " + metadataPort);
        }
        return "table ip " + TABLE + "\n"
                + "delete table ip " + TABLE + "\n"
                + "table ip " + TABLE + " {\n"
                + "    chain output {\n"
                + "        type nat hook output priority -100; policy accept;\n"
                + "        ip daddr " + ADDRESS + " tcp dport " + PORT + " dnat to " + gateway + ":" + metadataPort + "\n"
                + "    }\n"
                + "}\n";
    }

    /** Puts the table into the named network namespace. */
    static void apply(NetworkCommands commands, Path namespaceFile, String namespace, String gateway, int metadataPort)
            throws NetworkException
    {
        commands.nftInside(namespaceFile, namespace, "route " + ADDRESS + " to the metadata endpoint in the network namespace " + namespace, render(gateway, metadataPort));
    }
}
