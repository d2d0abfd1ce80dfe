package io.berth.common.agentprotocol;

import java.util.Optional;

/**
 * The version of the agent protocol each side speaks, so that agents and control planes of different builds work
 * together across one protocol change, and refuse each other with a clear reason beyond it. The rule:
 * <ul>
 * <li>Every request an agent sends carries {@value #HEADER} with the version it speaks (an agent that sends none is of
 * a build from before the header: version 1), and so does every call the control plane makes to an agent.</li>
 * <li>A control plane of version N serves agents of N and N - 1, and speaks to each in the agent's version (the lower
 * of the two): its answers and its calls to the agent carry that version, and say nothing the agent's version does not
 * know. An agent older than N - 1 is refused with 426 saying to upgrade it; one newer than N with 426 saying to
 * upgrade the control planes first.</li>
 * <li>An agent of version N takes calls of N and N - 1 (a control plane one version behind, during its upgrade).</li>
 * </ul>
 * So an upgrade across one protocol change goes: control planes first (they still serve the old agents), then agents
 * one at a time (`berth host upgrade`); a control plane is never more than one version ahead of its agents.
 * <p>
 * Versions: 1, builds before the header; 2, the header, and the agent-call key rotated away from in each sync answer
 * (Berth-Agent-Call-Key-Previous), taken until the end of its grace.
 */
public final class AgentProtocolVersion
{
    public static final String HEADER = "Berth-Agent-Protocol";
    /** What this build speaks. */
    public static final int CURRENT = 2;
    /** What a build from before the header speaks. */
    public static final int UNVERSIONED = 1;
    /** The first version that carries the previous agent-call key in sync answers. */
    public static final int PREVIOUS_CALL_KEY = 2;

    private AgentProtocolVersion() {}

    /** The version a header names; UNVERSIONED for none. IllegalArgumentException when it is not a positive whole number. */
    public static int parse(String header)
    {
        if (header == null || header.isBlank()) {
            return UNVERSIONED;
        }
        try {
            int version = Integer.parseInt(header.strip());
            if (version < 1) {
                throw new IllegalArgumentException(HEADER + " is a version from 1 up, got '" + header + "'");
            }
            return version;
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException(HEADER + " is a version from 1 up, got '" + header + "'", e);
        }
    }

    /** The version a control plane of version own speaks to an agent of version agent: the lower of the two. */
    public static int spokenTo(int agent, int own)
    {
        return Math.min(agent, own);
    }

    /** Why a control plane of version own refuses an agent speaking agent; empty when it serves it. */
    public static Optional<String> controlPlaneRefusal(int agent, int own)
    {
        if (agent < own - 1) {
            return Optional.of("the agent speaks agent protocol " + agent + ", and this control plane only " + (own - 1) + " and " + own
                    + ": upgrade the agent to the control plane's build (berth host upgrade, or install it on the host)");
        }
        if (agent > own) {
            return Optional.of("the agent speaks agent protocol " + agent + ", newer than this control plane's " + own
                    + ": upgrade the control planes first, then the agents");
        }
        return Optional.empty();
    }

    /** Why an agent of version own refuses a call in version spoken; empty when it takes it. */
    public static Optional<String> agentRefusal(int spoken, int own)
    {
        if (spoken == own || spoken == own - 1) {
            return Optional.empty();
        }
        return Optional.of("the control plane speaks agent protocol " + spoken + " to this agent, which takes " + (own - 1) + " and " + own
                + (spoken > own ? ": a control plane speaks an agent's own version; is it a build that does not know this agent's?" : ": upgrade the control plane"));
    }
}
