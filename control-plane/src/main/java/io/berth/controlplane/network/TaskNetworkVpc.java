package io.berth.controlplane.network;

/**
 * The one VPC Berth has: its task network (one address space, every host's slice of it). AWS APIs that name a VPC
 * (ELBv2's target groups, which Terraform creates with a vpc_id) see it as {@link #ID}; a request naming any other VPC
 * is refused, since Berth has no other network to put the resource in.
 */
public final class TaskNetworkVpc
{
    /** The id Berth reports for its task network and accepts wherever a VpcId may be given. */
    public static final String ID = "vpc-berth";

    private TaskNetworkVpc() {}

    public static boolean isTaskNetwork(String vpcId)
    {
        return ID.equals(vpcId);
    }
}
