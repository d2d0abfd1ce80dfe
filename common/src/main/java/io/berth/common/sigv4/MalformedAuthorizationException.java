package io.berth.common.sigv4;

/** An Authorization header that is not a well-formed AWS4-HMAC-SHA256 header; the message says what is wrong. */
public class MalformedAuthorizationException
        extends IllegalArgumentException
{
    public MalformedAuthorizationException(String message)
    {
        super(message);
    }
}
