package io.berth.common.patching;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import static java.util.Objects.requireNonNull;

/**
 * The operator's command for one host ({@code POST /v1/patches/{patchId}?bodySha256=HEX} on the agent endpoint): a
 * shell command line (run with /bin/sh -c) and how many seconds it may take before it is killed.
 */
public record PatchCommandRequest(String command, long timeoutSeconds)
{
    /** The longest command line accepted: a patch runs a script that is on the host, not one sent whole. */
    public static final int MAX_COMMAND_LENGTH = 4096;
    /** The query parameter that carries the body's SHA-256, so the signed query covers the command too. */
    public static final String BODY_DIGEST_PARAMETER = "bodySha256";

    public PatchCommandRequest
    {
        requireNonNull(command, "command is null");
        if (command.isBlank()) {
            throw new IllegalArgumentException("the command is empty");
        }
        if (command.length() > MAX_COMMAND_LENGTH) {
            throw new IllegalArgumentException("the command is longer than " + MAX_COMMAND_LENGTH + " characters");
        }
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("timeoutSeconds must be 1 or more, got " + timeoutSeconds);
        }
    }

    /** The lowercase hex SHA-256 of a request body. */
    public static String bodyDigest(byte[] body)
    {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    public static String bodyDigest(String body)
    {
        return bodyDigest(body.getBytes(StandardCharsets.UTF_8));
    }
}
