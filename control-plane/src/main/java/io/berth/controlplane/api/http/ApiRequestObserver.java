package io.berth.controlplane.api.http;

import java.time.Duration;

/**
 * Told of every API request once its answer is sent (for the metrics). The labels are bounded whatever a caller
 * sends: service is a signing name the server serves, action an action or admin route it knows ("unknown" for
 * anything else, "none" before authentication), code the HTTP status and error the AWS error code ("" on success).
 * No account or resource name is passed.
 */
public interface ApiRequestObserver
{
    ApiRequestObserver NONE = (service, action, code, error, duration) -> {};

    void completed(String service, String action, int code, String error, Duration duration);
}
