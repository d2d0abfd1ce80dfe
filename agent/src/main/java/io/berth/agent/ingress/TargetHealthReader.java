package io.berth.agent.ingress;

import io.berth.common.agentprotocol.IngressReport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads HAProxy's {@code show stat} CSV into target health as ELB words it. A server that is DOWN without having
 * failed a check yet (its first checks still to come) is initial; one whose checks failed is unhealthy with ELB's
 * reason (a response code outside the matcher, a timeout, anything else); UP is healthy. Disabled (draining)
 * servers are left out: the control plane knows them as draining.
 */
final class TargetHealthReader
{
    private TargetHealthReader() {}

    static List<IngressReport.TargetHealth> read(String showStat, List<HaproxyConfig.Server> servers)
    {
        String[] lines = showStat.split("\n");
        if (lines.length == 0 || !lines[0].startsWith("# ")) {
            return List.of();
        }
        List<String> header = List.of(lines[0].substring(2).split(",", -1));
        int proxy = header.indexOf("pxname");
        int server = header.indexOf("svname");
        int status = header.indexOf("status");
        int checkStatus = header.indexOf("check_status");
        int checkCode = header.indexOf("check_code");
        Map<String, String[]> rows = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].split(",", -1);
            if (fields.length > Math.max(checkCode, checkStatus)) {
                rows.put(fields[proxy] + "/" + fields[server], fields);
            }
        }
        List<IngressReport.TargetHealth> health = new ArrayList<>();
        for (HaproxyConfig.Server entry : servers) {
            String[] row = rows.get(entry.backend() + "/" + entry.name());
            if (row == null || entry.draining()) {
                continue;
            }
            health.add(health(entry, row[status], row[checkStatus].strip(), row[checkCode].strip()));
        }
        return health;
    }

    private static IngressReport.TargetHealth health(HaproxyConfig.Server server, String status, String checkStatus, String checkCode)
    {
        if (status.startsWith("UP")) {
            return of(server, "healthy", null, null);
        }
        // "* " marks a check still running; what matters is the last result
        String result = checkStatus.startsWith("* ") ? checkStatus.substring(2) : checkStatus;
        if (result.isEmpty() || result.equals("INI") || result.equals("L7OK") || result.equals("L6OK") || result.equals("L4OK")) {
            return of(server, "initial", "Elb.RegistrationInProgress", "Target registration is in progress");
        }
        if (result.equals("L7STS")) {
            return of(server, "unhealthy", "Target.ResponseCodeMismatch", "Health checks failed with these codes: [" + checkCode + "]");
        }
        if (result.endsWith("TOUT")) {
            return of(server, "unhealthy", "Target.Timeout", "Request timed out");
        }
        return of(server, "unhealthy", "Target.FailedHealthChecks", "Health checks failed");
    }

    private static IngressReport.TargetHealth of(HaproxyConfig.Server server, String state, String reason, String description)
    {
        return new IngressReport.TargetHealth(server.targetGroupArn(), server.address(), server.port(), state, reason, description);
    }
}
