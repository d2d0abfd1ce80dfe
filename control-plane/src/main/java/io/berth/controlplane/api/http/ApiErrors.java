package io.berth.controlplane.api.http;

import io.berth.controlplane.api.EcsException;

/**
 * The errors the protocol edge itself raises, with the __type values AWS services use for them, so that AWS
 * SDKs and the CLI show them as they would show AWS's own.
 */
final class ApiErrors
{
    static final String MISSING_AUTHENTICATION_TOKEN = "MissingAuthenticationTokenException";
    static final String INCOMPLETE_SIGNATURE = "IncompleteSignatureException";
    static final String INVALID_SIGNATURE = "InvalidSignatureException";
    static final String UNRECOGNIZED_CLIENT = "UnrecognizedClientException";
    static final String EXPIRED_TOKEN = "ExpiredTokenException";
    static final String UNKNOWN_OPERATION = "UnknownOperationException";
    static final String SERIALIZATION = "SerializationException";
    static final String REQUEST_TOO_LARGE = "RequestEntityTooLargeException";
    static final String SERVER = "ServerException";
    static final String THROTTLING = "ThrottlingException";

    private ApiErrors() {}

    /** What AWS answers past a request rate; the AWS SDKs retry it with backoff. */
    static EcsException throttling()
    {
        return new EcsException(THROTTLING, "Rate exceeded");
    }

    static EcsException missingAuthentication()
    {
        return new EcsException(MISSING_AUTHENTICATION_TOKEN,
                "Missing Authentication Token: sign the request with AWS Signature Version 4 (service 'ecs')");
    }

    static EcsException incompleteSignature(String message)
    {
        return new EcsException(INCOMPLETE_SIGNATURE, message);
    }

    static EcsException invalidSignature(String message)
    {
        return new EcsException(INVALID_SIGNATURE, message);
    }

    static EcsException unrecognizedClient()
    {
        return new EcsException(UNRECOGNIZED_CLIENT, "The security token included in the request is invalid.");
    }

    static EcsException expiredToken(String message)
    {
        return new EcsException(EXPIRED_TOKEN, message);
    }

    static EcsException unknownOperation(String message)
    {
        return new StatusEcsException(UNKNOWN_OPERATION, message, 400);
    }

    static EcsException notFound(String message)
    {
        return new StatusEcsException(UNKNOWN_OPERATION, message, 404);
    }

    static EcsException methodNotAllowed(String message)
    {
        return new StatusEcsException(UNKNOWN_OPERATION, message, 405);
    }

    static EcsException serialization(String message)
    {
        return new EcsException(SERIALIZATION, message);
    }

    static EcsException requestTooLarge(long limitBytes)
    {
        return new StatusEcsException(REQUEST_TOO_LARGE, "Request body is larger than the limit of " + limitBytes + " bytes", 413);
    }

    static EcsException server(String requestId)
    {
        return new EcsException(SERVER, "Internal server error; the operator can find the details in the control plane log under request id " + requestId);
    }

    /** An error whose HTTP status is not the 400 every ECS client error uses. */
    private static final class StatusEcsException
            extends EcsException
    {
        private final int httpStatus;

        StatusEcsException(String type, String message, int httpStatus)
        {
            super(type, message);
            this.httpStatus = httpStatus;
        }

        @Override
        public int httpStatus()
        {
            return httpStatus;
        }
    }
}
