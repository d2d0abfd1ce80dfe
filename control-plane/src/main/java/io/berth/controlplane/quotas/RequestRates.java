package io.berth.controlplane.quotas;

/** The API request rate each account may sustain, as the API edge asks for it on every request. */
public interface RequestRates
{
    /** Requests per second the account may sustain; 0 for unlimited. */
    double requestsPerSecond(String accountId);

    RequestRates UNLIMITED = accountId -> 0;
}
