package io.berth.common.sigv4;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The value of a SigV4 Authorization header:
 * {@code AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=hex}.
 */
public record AuthorizationHeader(String accessKeyId, CredentialScope scope, List<String> signedHeaders, String signature)
{
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    // compiled once: every signed request is parsed (String.matches compiled both on each call)
    private static final Pattern CREDENTIAL_DATE = Pattern.compile("[0-9]{8}");
    private static final Pattern SIGNATURE = Pattern.compile("[0-9a-f]{64}");

    public AuthorizationHeader
    {
        requireNonNull(accessKeyId, "accessKeyId is null");
        requireNonNull(scope, "scope is null");
        signedHeaders = List.copyOf(signedHeaders);
        requireNonNull(signature, "signature is null");
    }

    public String format()
    {
        return ALGORITHM + " Credential=" + accessKeyId + "/" + scope.format()
                + ", SignedHeaders=" + String.join(";", signedHeaders)
                + ", Signature=" + signature;
    }

    /**
     * Parses a header value. The three components may come in any order, separated by commas with optional
     * spaces, as AWS accepts them.
     *
     * @throws MalformedAuthorizationException with a message fit for the caller
     */
    public static AuthorizationHeader parse(String value)
    {
        requireNonNull(value, "value is null");
        String trimmed = value.strip();
        if (!trimmed.startsWith(ALGORITHM + " ")) {
            throw new MalformedAuthorizationException("Authorization header must use the " + ALGORITHM + " algorithm");
        }
        Map<String, String> components = new HashMap<>();
        for (String part : trimmed.substring(ALGORITHM.length()).split(",")) {
            String component = part.strip();
            if (component.isEmpty()) {
                continue;
            }
            int equals = component.indexOf('=');
            if (equals <= 0) {
                throw new MalformedAuthorizationException("Authorization header component '" + component + "' is not of the form Name=value");
            }
            components.put(component.substring(0, equals).strip(), component.substring(equals + 1).strip());
        }
        String credential = required(components, "Credential");
        String signedHeaders = required(components, "SignedHeaders");
        String signature = required(components, "Signature");

        // the access key id itself cannot contain '/', so the last four '/'-separated fields are the scope
        String[] credentialParts = credential.split("/", -1);
        if (credentialParts.length != 5 || Arrays.stream(credentialParts).anyMatch(String::isEmpty)) {
            throw new MalformedAuthorizationException("Authorization header Credential must be ACCESS_KEY_ID/yyyyMMdd/region/service/aws4_request, got '" + credential + "'");
        }
        if (!credentialParts[4].equals(CredentialScope.TERMINATOR)) {
            throw new MalformedAuthorizationException("Credential should be scoped with a valid terminator: 'aws4_request', not '" + credentialParts[4] + "'");
        }
        if (!CREDENTIAL_DATE.matcher(credentialParts[1]).matches()) {
            throw new MalformedAuthorizationException("Credential date must be yyyyMMdd, got '" + credentialParts[1] + "'");
        }
        if (signedHeaders.isEmpty()) {
            throw new MalformedAuthorizationException("Authorization header SignedHeaders is empty");
        }
        List<String> headers = Arrays.stream(signedHeaders.split(";")).map(header -> header.strip().toLowerCase(Locale.ROOT)).toList();
        if (!SIGNATURE.matcher(signature).matches()) {
            throw new MalformedAuthorizationException("Authorization header Signature must be 64 lowercase hex digits");
        }
        return new AuthorizationHeader(
                credentialParts[0],
                new CredentialScope(credentialParts[1], credentialParts[2], credentialParts[3]),
                headers,
                signature);
    }

    private static String required(Map<String, String> components, String name)
    {
        String value = components.get(name);
        if (value == null) {
            throw new MalformedAuthorizationException("Authorization header is missing " + name + "=");
        }
        return value;
    }
}
