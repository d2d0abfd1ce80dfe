package io.berth.controlplane.secrets;

import static java.util.Objects.requireNonNull;

/**
 * A task's secret or registry credential that cannot be had (missing, another account's, scheduled for deletion, no
 * such JSON key): the task cannot start. The message is the task's stoppedReason, in ECS's words.
 */
public final class SecretsUnavailableException
        extends RuntimeException
{
    public static final String PREFIX = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";

    SecretsUnavailableException(String detail)
    {
        super(PREFIX + requireNonNull(detail, "detail is null"));
    }
}
