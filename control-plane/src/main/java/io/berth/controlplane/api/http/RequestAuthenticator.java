package io.berth.controlplane.api.http;

import io.berth.common.sigv4.AmzDate;
import io.berth.common.sigv4.AuthorizationHeader;
import io.berth.common.sigv4.CanonicalRequest;
import io.berth.common.sigv4.CredentialScope;
import io.berth.common.sigv4.Hashing;
import io.berth.common.sigv4.MalformedAuthorizationException;
import io.berth.common.sigv4.SigV4Signer;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.accounts.AccessKeyLookup;
import io.berth.controlplane.credentials.TaskCredentialsRejectedException;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

/**
 * Verifies a request's SigV4 signature (Authorization header form) and tells whose key signed it and for
 * which region. Every refusal is an EcsException with the __type AWS uses for it.
 */
final class RequestAuthenticator
{
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(15);

    private static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

    private final AccessKeyLookup keys;
    private final Clock clock;
    private final Set<String> services;

    /** services: the signing names accepted in the credential scope, e.g. ecs and ecr. */
    RequestAuthenticator(AccessKeyLookup keys, Clock clock, Set<String> services)
    {
        this.keys = requireNonNull(keys, "keys is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.services = Set.copyOf(services);
    }

    /** service: the credential scope's service, which names the AWS service the request is for. */
    record Authenticated(AccessKey key, String region, String service)
    {
        Authenticated
        {
            requireNonNull(key, "key is null");
            requireNonNull(region, "region is null");
            requireNonNull(service, "service is null");
        }
    }

    Authenticated authenticate(IncomingRequest request)
    {
        String authorizationValue = request.header("authorization").orElseThrow(ApiErrors::missingAuthentication);
        AuthorizationHeader authorization;
        try {
            authorization = AuthorizationHeader.parse(authorizationValue);
        }
        catch (MalformedAuthorizationException e) {
            throw ApiErrors.incompleteSignature(e.getMessage());
        }

        CredentialScope scope = authorization.scope();
        if (!services.contains(scope.service())) {
            String expected = services.size() == 1 ? "'" + services.iterator().next() + "'" : "one of " + new TreeSet<>(services);
            throw ApiErrors.invalidSignature("Credential should be scoped to correct service: " + expected + ", not '" + scope.service() + "'.");
        }
        if (!authorization.signedHeaders().contains("host")) {
            throw ApiErrors.incompleteSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.");
        }
        // X-Amz-Target names the action of a JSON service: unsigned, a request signed as one action could be replayed as another
        if (request.header("x-amz-target").isPresent() && !authorization.signedHeaders().contains("x-amz-target")) {
            throw ApiErrors.incompleteSignature("'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.");
        }

        String amzDate = requestDate(request, authorization);
        Instant requestTime = AmzDate.parse(amzDate).orElseThrow();
        if (!amzDate.startsWith(scope.date())) {
            throw ApiErrors.invalidSignature("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                    + scope.date() + "' != '" + amzDate.substring(0, 8) + "', from '" + amzDate + "'.");
        }
        Instant now = clock.instant();
        if (requestTime.isBefore(now.minus(MAX_CLOCK_SKEW))) {
            throw ApiErrors.invalidSignature("Signature expired: " + amzDate + " is now earlier than "
                    + AmzDate.format(now.minus(MAX_CLOCK_SKEW)) + " (" + AmzDate.format(now) + " - 15 min.)");
        }
        if (requestTime.isAfter(now.plus(MAX_CLOCK_SKEW))) {
            throw ApiErrors.invalidSignature("Signature not yet current: " + amzDate + " is still later than "
                    + AmzDate.format(now.plus(MAX_CLOCK_SKEW)) + " (" + AmzDate.format(now) + " + 15 min.)");
        }

        String bodyHash = Hashing.sha256Hex(request.body());
        Optional<String> declaredHash = request.header("x-amz-content-sha256");
        if (declaredHash.isPresent()) {
            if (declaredHash.get().equals(UNSIGNED_PAYLOAD)) {
                throw ApiErrors.invalidSignature("UNSIGNED-PAYLOAD is not accepted: sign the request body");
            }
            if (!declaredHash.get().equalsIgnoreCase(bodyHash)) {
                throw ApiErrors.invalidSignature("The provided 'x-amz-content-sha256' header does not match the SHA-256 of the request body.");
            }
        }

        AccessKey key = key(request, authorization);

        String canonicalRequest = CanonicalRequest.build(
                request.method(),
                request.rawPath(),
                request.rawQuery(),
                request.headers(),
                authorization.signedHeaders(),
                declaredHash.orElse(bodyHash));
        String expected = SigV4Signer.signature(key.secretAccessKey(), scope, amzDate, canonicalRequest);
        if (!MessageDigest.isEqual(expected.getBytes(US_ASCII), authorization.signature().getBytes(US_ASCII))) {
            throw ApiErrors.invalidSignature("The request signature we calculated does not match the signature you provided. "
                    + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        }
        return new Authenticated(key, scope.region(), scope.service());
    }

    /** The key that signed: an account's, or with X-Amz-Security-Token (which must be signed) a task's temporary one. */
    private AccessKey key(IncomingRequest request, AuthorizationHeader authorization)
    {
        String sessionToken = request.header("x-amz-security-token").map(String::strip).orElse(null);
        if (sessionToken != null && !authorization.signedHeaders().contains("x-amz-security-token")) {
            throw ApiErrors.incompleteSignature("'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization.");
        }
        try {
            return keys.findAccessKey(authorization.accessKeyId(), sessionToken).orElseThrow(ApiErrors::unrecognizedClient);
        }
        catch (TaskCredentialsRejectedException e) {
            throw e.reason() == TaskCredentialsRejectedException.Reason.EXPIRED ? ApiErrors.expiredToken(e.getMessage()) : ApiErrors.unrecognizedClient();
        }
    }

    /** The signed request time in basic ISO 8601 form, from X-Amz-Date or else the HTTP Date header. */
    private static String requestDate(IncomingRequest request, AuthorizationHeader authorization)
    {
        Optional<String> amzDate = request.header("x-amz-date");
        if (amzDate.isPresent()) {
            if (!authorization.signedHeaders().contains("x-amz-date")) {
                throw ApiErrors.incompleteSignature("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
            }
            if (AmzDate.parse(amzDate.get().strip()).isEmpty()) {
                throw ApiErrors.incompleteSignature("X-Amz-Date must be in the ISO 8601 basic format yyyyMMdd'T'HHmmss'Z', got '" + amzDate.get() + "'.");
            }
            return amzDate.get().strip();
        }
        Optional<String> httpDate = request.header("date");
        if (httpDate.isPresent()) {
            if (!authorization.signedHeaders().contains("date")) {
                throw ApiErrors.incompleteSignature("'Date' must be a 'SignedHeader' in the AWS Authorization.");
            }
            try {
                return AmzDate.format(Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(httpDate.get().strip())));
            }
            catch (DateTimeParseException e) {
                throw ApiErrors.incompleteSignature("Date header must be an RFC 1123 date, got '" + httpDate.get() + "'.");
            }
        }
        throw ApiErrors.incompleteSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    }
}
