package io.berth.controlplane.registry;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** The password (user AWS) an account logs in to the registry with, and when it stops working. */
public record LoginToken(String password, Instant expiresAt)
{
    public static final String USERNAME = "AWS";

    public LoginToken
    {
        requireNonNull(password, "password is null");
        requireNonNull(expiresAt, "expiresAt is null");
    }

    @Override
    public String toString()
    {
        return "LoginToken[password=<hidden>, expiresAt=" + expiresAt + "]";
    }
}
