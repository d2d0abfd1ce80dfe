package io.berth.common.agentprotocol;

/**
 * How an agent hands container lines to the control plane for CloudWatch Logs. A link that also implements this
 * ({@code berth up}'s in-process gateway, the HTTP link) ships; a batch either lands whole or fails whole, so the
 * agent can send it again.
 */
public interface LogShippingLink
{
    /**
     * Stores the batch's lines in the task's log streams. Throws {@link LogBatchRefusedException} when the control
     * plane will never take the batch (a task that is not on this host), and another RuntimeException when it cannot
     * be reached or failed (worth sending again later); the lines are then not stored.
     */
    void shipLogs(LogBatch batch);
}
