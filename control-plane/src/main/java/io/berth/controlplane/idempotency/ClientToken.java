package io.berth.controlplane.idempotency;

import io.berth.controlplane.resources.InvalidRequestException;

import static java.util.Objects.requireNonNull;

/**
 * A request's client token and the digest of the rest of the request. ECS allows printable ASCII (33 to 126) only,
 * up to 64 characters for RunTask and 36 for CreateService.
 */
public record ClientToken(String token, String requestDigest)
{
    public static final int RUN_TASK_MAX_LENGTH = 64;
    public static final int CREATE_SERVICE_MAX_LENGTH = 36;

    public ClientToken
    {
        requireNonNull(token, "token is null");
        requireNonNull(requestDigest, "requestDigest is null");
    }

    /** Refuses a token ECS would refuse: empty, longer than maxLength, or with a character outside 33 to 126. */
    public void check(int maxLength)
    {
        if (token.isEmpty() || token.length() > maxLength) {
            throw InvalidRequestException.invalidValue("clientToken must have 1 to " + maxLength + " characters, got " + token.length() + ".");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 33 || c > 126) {
                throw InvalidRequestException.invalidValue("clientToken may hold only ASCII characters 33 to 126 (no spaces), got one at position " + (i + 1) + ".");
            }
        }
    }
}
