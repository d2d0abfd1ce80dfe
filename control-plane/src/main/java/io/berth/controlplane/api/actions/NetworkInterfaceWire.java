package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.agentprotocol.NetworkReport;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskStatus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * A task's own network in ECS's shapes: the ElasticNetworkInterface attachment of an awsvpc task, and the
 * container's networkInterfaces entry. The ids are derived from the task (and the subnet), so they stay the
 * same on every describe without being stored.
 */
final class NetworkInterfaceWire
{
    private NetworkInterfaceWire() {}

    static ArrayNode attachments(Task task)
    {
        ArrayNode attachments = JsonFields.array();
        NetworkReport network = task.state().network();
        if (network == null) {
            return attachments;
        }
        ObjectNode attachment = attachments.addObject();
        attachment.put("id", attachmentId(task));
        attachment.put("type", "ElasticNetworkInterface");
        attachment.put("status", task.state().lastStatus() == TaskStatus.STOPPED ? "DELETED" : "ATTACHED");
        ArrayNode details = attachment.putArray("details");
        detail(details, "subnetId", "subnet-" + hex("subnet/" + network.subnet()));
        detail(details, "networkInterfaceId", "eni-" + hex("eni/" + task.taskId()));
        if (network.macAddress() != null) {
            detail(details, "macAddress", network.macAddress());
        }
        detail(details, "privateDnsName", privateDnsName(network.privateIPv4Address(), region(task)));
        detail(details, "privateIPv4Address", network.privateIPv4Address());
        return attachments;
    }

    static ArrayNode containerNetworkInterfaces(Task task)
    {
        ArrayNode interfaces = JsonFields.array();
        NetworkReport network = task.state().network();
        if (network != null) {
            ObjectNode entry = interfaces.addObject();
            entry.put("attachmentId", attachmentId(task));
            entry.put("privateIpv4Address", network.privateIPv4Address());
        }
        return interfaces;
    }

    private static void detail(ArrayNode details, String name, String value)
    {
        details.addObject().put("name", name).put("value", value);
    }

    private static String attachmentId(Task task)
    {
        return UUID.nameUUIDFromBytes(("attachment/" + task.taskId()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** EC2's form: ip-10-213-0-5.ec2.internal in us-east-1, ip-10-213-0-5.REGION.compute.internal elsewhere. */
    static String privateDnsName(String address, String region)
    {
        String host = "ip-" + address.replace('.', '-');
        return "us-east-1".equals(region) ? host + ".ec2.internal" : host + "." + region + ".compute.internal";
    }

    private static String region(Task task)
    {
        String[] parts = task.arn().split(":", 6);
        return parts.length > 3 ? parts[3] : "us-east-1";
    }

    /** 17 hex digits, as EC2 ids have. */
    private static String hex(String seed)
    {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 17);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
