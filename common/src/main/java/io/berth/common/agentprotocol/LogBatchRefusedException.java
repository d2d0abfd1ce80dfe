package io.berth.common.agentprotocol;

/**
 * The control plane will not take a log batch however often it is sent: the task is not on the sending host, or a
 * line names a container whose lines do not go to CloudWatch Logs. The agent stops shipping that task's lines.
 */
public final class LogBatchRefusedException
        extends RuntimeException
{
    public LogBatchRefusedException(String message)
    {
        super(message);
    }
}
