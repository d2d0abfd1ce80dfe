package io.berth.controlplane.network;

/**
 * The one VPC Berth has: its task network (one address space, every host's slice of it). AWS APIs that name a VPC
 * (ELBv2's target groups, which Terraform creates with a vpc_id) see it as {@link #ID}; a request naming any other VPC
 * is refused, since Berth has no other network to put the resource in. Its load balancers are in one subnet of it,
 * {@link #SUBNET_ID} (Terraform's aws_lb always sends its subnets).
 */
public final class TaskNetworkVpc
{
    /** The id Berth reports for its task network and accepts wherever a VpcId may be given. */
    public static final String ID = "vpc-berth";
    /** The id Berth reports for the subnet its load balancers are in, and accepts wherever their Subnets may be given. */
    public static final String SUBNET_ID = "subnet-berth";

    private TaskNetworkVpc() {}

    public static boolean isTaskNetwork(String vpcId)
    {
        return ID.equals(vpcId);
    }
}
