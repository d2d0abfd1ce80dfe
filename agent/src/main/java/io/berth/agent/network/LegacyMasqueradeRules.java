package io.berth.agent.network;

import java.util.ArrayList;
import java.util.List;

/**
 * The bridge plugin's masquerade rules of a task set up before the tenant firewall took masquerading over (a
 * jump from nat POSTROUTING to a chain of the task's own, both commented with the network's name and the task
 * id). Today's DEL runs without ipMasq and leaves them; this removes them when such a task goes, so an upgraded
 * agent leaks nothing.
 */
final class LegacyMasqueradeRules
{
    private static final String IPTABLES = "/usr/sbin/iptables";

    private LegacyMasqueradeRules() {}

    static void remove(NetworkCommands commands, String networkName, String taskId)
            throws NetworkException
    {
        String marker = "name: \\\"" + networkName + "\\\" id: \\\"" + taskId + "\\\"";
        String rules = iptables(commands, "list the NAT rules", "-S", "POSTROUTING");
        for (String rule : rules.lines().toList()) {
            if (!rule.startsWith("-A POSTROUTING ") || !rule.contains(marker)) {
                continue;
            }
            List<String> arguments = new ArrayList<>(tokens(rule));
            arguments.set(0, "-D");
            iptables(commands, "remove a NAT rule of task " + taskId, arguments.toArray(String[]::new));
            int jump = arguments.indexOf("-j");
            if (jump >= 0 && jump + 1 < arguments.size() && arguments.get(jump + 1).startsWith("CNI-")) {
                String chain = arguments.get(jump + 1);
                iptables(commands, "flush the NAT chain " + chain, "-F", chain);
                iptables(commands, "delete the NAT chain " + chain, "-X", chain);
            }
        }
    }

    /** Splits a rule as `iptables -S` prints it: words, and double-quoted words with \" inside. */
    static List<String> tokens(String rule)
    {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean inToken = false;
        for (int i = 0; i < rule.length(); i++) {
            char c = rule.charAt(i);
            if (quoted && c == '\\' && i + 1 < rule.length()) {
                current.append(rule.charAt(++i));
            }
            else if (c == '"') {
                quoted = !quoted;
                inToken = true;
            }
            else if (c == ' ' && !quoted) {
                if (inToken) {
                    tokens.add(current.toString());
                    current.setLength(0);
                    inToken = false;
                }
            }
            else {
                current.append(c);
                inToken = true;
            }
        }
        if (inToken) {
            tokens.add(current.toString());
        }
        return tokens;
    }

    private static String iptables(NetworkCommands commands, String purpose, String... arguments)
            throws NetworkException
    {
        List<String> command = new ArrayList<>(List.of(IPTABLES, "-t", "nat", "--wait"));
        command.addAll(List.of(arguments));
        return commands.run(purpose, command);
    }
}
