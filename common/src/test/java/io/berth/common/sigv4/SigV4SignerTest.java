package io.berth.common.sigv4;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** Our signer must produce exactly the Authorization header the AWS SDK for Java v2 produces. */
class SigV4SignerTest
{
    private static final SigV4Credentials CREDENTIALS = new SigV4Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static final Instant TIME = Instant.parse("2026-01-01T12:34:56Z");

    record Case(String name, String method, String uri, Map<String, String> headers, String body, String region)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    static Stream<Case> cases()
    {
        Map<String, String> ecsHeaders = new LinkedHashMap<>();
        ecsHeaders.put("Content-Type", "application/x-amz-json-1.1");
        ecsHeaders.put("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters");
        return Stream.of(
                new Case("ecs call on /", "POST", "http://127.0.0.1:8080/", ecsHeaders, "{}", "us-east-1"),
                new Case("empty path", "POST", "http://localhost:8080", ecsHeaders, "{\"cluster\":\"default\"}", "eu-west-3"),
                new Case("default port", "POST", "https://ecs.us-east-1.amazonaws.com/", ecsHeaders, "{}", "us-east-1"),
                new Case("GET with query", "GET", "http://127.0.0.1:9000/berth/tasks/abc/logs?nextToken=12&cluster=default", Map.of(), "", "us-east-1"),
                new Case("query needing encoding and sorting", "GET", "http://127.0.0.1:9000/berth/tasks?b=2&a=x%20y&a=%2Fz&c=&flag", Map.of(), "", "us-east-1"),
                new Case("path needing encoding", "GET", "http://127.0.0.1:9000/berth/tasks/arn%3Aaws%3Aecs/logs", Map.of(), "", "us-east-1"),
                new Case("header whitespace", "POST", "http://127.0.0.1:9000/", Map.of(
                        "Content-Type", "application/x-amz-json-1.1",
                        "X-Custom", "  a   b \t c  "), "{\"a\": 1}", "us-east-1"),
                new Case("utf-8 body", "POST", "http://127.0.0.1:9000/", ecsHeaders, "{\"name\":\"h\u00e9llo \u2603\"}", "ap-southeast-2"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesAwsSdk(Case testCase)
    {
        byte[] body = testCase.body().getBytes(UTF_8);
        URI uri = URI.create(testCase.uri());
        Map<String, String> ours = new SigV4Signer("ecs", true)
                .sign(testCase.method(), uri, testCase.headers(), body, CREDENTIALS, testCase.region(), TIME);

        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .uri(uri)
                .method(SdkHttpMethod.fromValue(testCase.method()));
        testCase.headers().forEach(request::putHeader);
        SignedRequest signed = AwsV4HttpSigner.create().sign(sign -> sign
                .identity(AwsCredentialsIdentity.create(CREDENTIALS.accessKeyId(), CREDENTIALS.secretAccessKey()))
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ecs")
                .putProperty(AwsV4HttpSigner.REGION_NAME, testCase.region())
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(TIME, ZoneOffset.UTC)));

        assertThat(ours.get("Authorization")).isEqualTo(signed.request().firstMatchingHeader("Authorization").orElseThrow());
        assertThat(ours.get("X-Amz-Date")).isEqualTo(signed.request().firstMatchingHeader("X-Amz-Date").orElseThrow());
        assertThat(ours.get("X-Amz-Content-Sha256")).isEqualTo(signed.request().firstMatchingHeader("x-amz-content-sha256").orElseThrow());
    }

    @Test
    void contentSha256HeaderIsSentAndSignedWhenAsked()
    {
        Map<String, String> headers = new SigV4Signer("ecs", true)
                .sign("POST", URI.create("http://127.0.0.1:1/"), Map.of(), "{}".getBytes(UTF_8), CREDENTIALS, "us-east-1", TIME);

        assertThat(headers.get("X-Amz-Content-Sha256")).isEqualTo(Hashing.sha256Hex("{}"));
        AuthorizationHeader authorization = AuthorizationHeader.parse(headers.get("Authorization"));
        assertThat(authorization.signedHeaders()).containsExactly("host", "x-amz-content-sha256", "x-amz-date");
    }

    @Test
    void signatureChangesWithTheSecret()
    {
        byte[] body = "{}".getBytes(UTF_8);
        URI uri = URI.create("http://127.0.0.1:1/");
        String right = new SigV4Signer("ecs", false).sign("POST", uri, Map.of(), body, CREDENTIALS, "us-east-1", TIME).get("Authorization");
        String wrong = new SigV4Signer("ecs", false).sign("POST", uri, Map.of(), body, new SigV4Credentials("AKIDEXAMPLE", "other"), "us-east-1", TIME).get("Authorization");
        assertThat(AuthorizationHeader.parse(right).signature()).isNotEqualTo(AuthorizationHeader.parse(wrong).signature());
    }

    @Test
    void canonicalQuerySortsAndEncodes()
    {
        assertThat(CanonicalRequest.canonicalQuery("b=2&a=x%20y&a=%2Fz&c=&flag&d=a+b"))
                .isEqualTo("a=%2Fz&a=x%20y&b=2&c=&d=a%2Bb&flag=");
        assertThat(CanonicalRequest.canonicalQuery(null)).isEmpty();
    }

    @Test
    void headerValuesAreTrimmedAndCollapsed()
    {
        String canonical = CanonicalRequest.build("GET", "/", null,
                Map.of("host", List.of("h"), "x-a", List.of("  one   two ", "three")),
                List.of("host", "x-a"), "hash");
        assertThat(canonical).isEqualTo("GET\n/\n\nhost:h\nx-a:one two,three\n\nhost;x-a\nhash");
    }
}
