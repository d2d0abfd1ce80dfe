package io.berth.controlplane.network;

import io.berth.common.agentprotocol.HostLinkSettings;
import io.berth.common.network.Ipv4Cidr;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import static java.util.Objects.requireNonNull;

/**
 * The cluster's address space for tasks and how it is cut: taskCidr holds every task address, and each host
 * gets one slice of it with hostPrefix bits (a /24 of a /16 by default: 256 hosts of up to 253 tasks; a prefix
 * equal to the CIDR's gives one host all of it). The
 * prefix is at most 28, so a slice still has room for a gateway and a dozen tasks.
 */
public record TaskAddressPlan(Ipv4Cidr taskCidr, int hostPrefix)
{
    public static final String DEFAULT_TASK_CIDR = "10.213.0.0/16";
    public static final int DEFAULT_HOST_PREFIX = 24;
    public static final int LONGEST_HOST_PREFIX = 28;
    public static final TaskAddressPlan DEFAULT = of(DEFAULT_TASK_CIDR, DEFAULT_HOST_PREFIX);

    public TaskAddressPlan
    {
        requireNonNull(taskCidr, "taskCidr is null");
        // equal is one slice for one host: what an all-in-one Berth (berth up) on a small task CIDR needs
        if (hostPrefix < taskCidr.prefix()) {
            throw new IllegalArgumentException("the host prefix /" + hostPrefix + " must not be shorter than the task CIDR's /" + taskCidr.prefix()
                    + " (" + taskCidr + "), so that every host gets a slice of it");
        }
        if (hostPrefix > LONGEST_HOST_PREFIX) {
            throw new IllegalArgumentException("the host prefix /" + hostPrefix + " is too long: at most /" + LONGEST_HOST_PREFIX
                    + ", so that each host's slice holds a gateway and some tasks");
        }
    }

    /** Parses the CIDR; IllegalArgumentException with a message for the operator. */
    public static TaskAddressPlan of(String taskCidr, int hostPrefix)
    {
        return new TaskAddressPlan(Ipv4Cidr.parse(taskCidr), hostPrefix);
    }

    /** How many hosts the plan has slices for. */
    public long slices()
    {
        return 1L << (hostPrefix - taskCidr.prefix());
    }

    /**
     * The link between hosts: VXLAN on its standard port, with a segment id derived from the task CIDR, so two
     * Berths with different CIDRs on one machine (tests, benchmarks) never share a segment.
     */
    public HostLinkSettings link()
    {
        return new HostLinkSettings(HostLinkSettings.VXLAN, segmentId(), HostLinkSettings.DEFAULT_VXLAN_PORT);
    }

    /** 1 to 16777215, the same for every control plane with this task CIDR. */
    int segmentId()
    {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(taskCidr.toString().getBytes(StandardCharsets.UTF_8));
            int value = ((digest[0] & 0xFF) << 16) | ((digest[1] & 0xFF) << 8) | (digest[2] & 0xFF);
            return 1 + value % 0xFFFFFF;
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
