package io.berth.common.agentprotocol;

import java.time.Instant;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The short-lived keys of a task with a taskRoleArn, as the control plane minted them for the task's account:
 * what its containers read at AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ({@code /v2/credentials/<credentialsId>}).
 * credentialsId is the task's for its whole life; the keys change with every refresh, and the control plane sends
 * fresh ones well before expiration.
 */
public record TaskRoleCredentials(
        String credentialsId,
        String roleArn,
        String accessKeyId,
        String secretAccessKey,
        String sessionToken,
        Instant expiration)
{
    private static final Pattern CREDENTIALS_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    public TaskRoleCredentials
    {
        requireNonNull(credentialsId, "credentialsId is null");
        requireNonNull(roleArn, "roleArn is null");
        requireNonNull(accessKeyId, "accessKeyId is null");
        requireNonNull(secretAccessKey, "secretAccessKey is null");
        requireNonNull(sessionToken, "sessionToken is null");
        requireNonNull(expiration, "expiration is null");
        if (!CREDENTIALS_ID.matcher(credentialsId).matches()) {
            throw new IllegalArgumentException("credentialsId must be a lower-case UUID: " + credentialsId);
        }
    }

    /** The path the containers read the keys at, relative to the credentials endpoint, as on ECS. */
    public String relativeUri()
    {
        return "/v2/credentials/" + credentialsId;
    }

    @Override
    public String toString()
    {
        // never print the secret or the token
        return "TaskRoleCredentials[" + credentialsId + ", " + roleArn + ", " + accessKeyId + ", expires " + expiration + "]";
    }
}
