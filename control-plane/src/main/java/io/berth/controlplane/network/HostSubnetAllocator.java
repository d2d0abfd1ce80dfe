package io.berth.controlplane.network;

import io.berth.common.network.Ipv4Cidr;

import java.util.Collection;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Picks a new host's slice: the lowest slice of the task CIDR that overlaps no slice a host holds already. Slices
 * held are compared by overlap, not by equality, so slices cut under an earlier plan (another CIDR or host
 * prefix, kept by their hosts while they hold tasks) still block exactly the addresses they cover.
 */
public final class HostSubnetAllocator
{
    private HostSubnetAllocator() {}

    /** The lowest free slice; AddressSpaceExhaustedException names the CIDR and prefix when none is left. */
    public static Ipv4Cidr allocate(TaskAddressPlan plan, Collection<Ipv4Cidr> held)
    {
        requireNonNull(plan, "plan is null");
        List<Ipv4Cidr> taken = List.copyOf(held);
        long sliceSize = 1L << (32 - plan.hostPrefix());
        Ipv4Cidr cidr = plan.taskCidr();
        for (long start = cidr.network(); start <= cidr.lastAddress(); start += sliceSize) {
            Ipv4Cidr candidate = new Ipv4Cidr(start, plan.hostPrefix());
            if (taken.stream().noneMatch(candidate::overlaps)) {
                return candidate;
            }
        }
        throw new AddressSpaceExhaustedException("No task subnet is left for a new host: all " + plan.slices() + " slices /" + plan.hostPrefix()
                + " of the task CIDR " + cidr + " belong to hosts. Remove hosts that are gone (`berth host rm HOST`), or restart the control plane with a wider"
                + " --task-cidr or a longer --host-prefix.");
    }
}
