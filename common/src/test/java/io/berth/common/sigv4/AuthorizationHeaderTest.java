package io.berth.common.sigv4;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthorizationHeaderTest
{
    private static final String SIGNATURE = "a".repeat(64);

    @Test
    void parsesAllComponents()
    {
        AuthorizationHeader header = AuthorizationHeader.parse(
                "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ecs/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=" + SIGNATURE);

        assertThat(header.accessKeyId()).isEqualTo("AKID");
        assertThat(header.scope()).isEqualTo(new CredentialScope("20260101", "us-east-1", "ecs"));
        assertThat(header.signedHeaders()).containsExactly("content-type", "host", "x-amz-date");
        assertThat(header.signature()).isEqualTo(SIGNATURE);
    }

    @Test
    void formatRoundTrips()
    {
        AuthorizationHeader header = new AuthorizationHeader("AKID", new CredentialScope("20260101", "eu-west-1", "ecs"), java.util.List.of("host", "x-amz-date"), SIGNATURE);
        assertThat(AuthorizationHeader.parse(header.format())).isEqualTo(header);
    }

    @Test
    void acceptsComponentsInAnyOrderWithoutSpaces()
    {
        AuthorizationHeader header = AuthorizationHeader.parse(
                "AWS4-HMAC-SHA256 Signature=" + SIGNATURE + ",SignedHeaders=host,Credential=AKID/20260101/us-east-1/ecs/aws4_request");
        assertThat(header.signedHeaders()).containsExactly("host");
    }

    @Test
    void rejectsMalformedHeaders()
    {
        assertThatThrownBy(() -> AuthorizationHeader.parse("Basic dXNlcjpwYXNz"))
                .isInstanceOf(MalformedAuthorizationException.class)
                .hasMessageContaining("AWS4-HMAC-SHA256");
        assertThatThrownBy(() -> AuthorizationHeader.parse("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=" + SIGNATURE))
                .hasMessageContaining("missing Credential=");
        assertThatThrownBy(() -> AuthorizationHeader.parse("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ecs, SignedHeaders=host, Signature=" + SIGNATURE))
                .hasMessageContaining("ACCESS_KEY_ID/yyyyMMdd/region/service/aws4_request");
        assertThatThrownBy(() -> AuthorizationHeader.parse("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ecs/aws5_request, SignedHeaders=host, Signature=" + SIGNATURE))
                .hasMessageContaining("terminator");
        assertThatThrownBy(() -> AuthorizationHeader.parse("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=xyz"))
                .hasMessageContaining("Signature");
    }

    @Test
    void rejectsACredentialDateThatIsNotEightDigitsAndASignatureThatIsNotSixtyFourLowercaseHexDigits()
    {
        for (String date : new String[] {"2026010", "202601011", "2026-1-1", "2026010a"}) {
            assertThatThrownBy(() -> AuthorizationHeader.parse("AWS4-HMAC-SHA256 Credential=AKID/" + date + "/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=" + SIGNATURE))
                    .isInstanceOf(MalformedAuthorizationException.class)
                    .hasMessageContaining("Credential date must be yyyyMMdd, got '" + date + "'");
        }
        for (String signature : new String[] {"a".repeat(63), "a".repeat(65), "A".repeat(64), "g".repeat(64), "a".repeat(63) + "\n"}) {
            assertThatThrownBy(() -> AuthorizationHeader.parse("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=" + signature))
                    .isInstanceOf(MalformedAuthorizationException.class)
                    .hasMessageContaining("Signature must be 64 lowercase hex digits");
        }
        assertThat(AuthorizationHeader.parse("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=" + "0123456789abcdef".repeat(4)).signature())
                .isEqualTo("0123456789abcdef".repeat(4));
    }
}
