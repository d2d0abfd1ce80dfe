package io.berth.controlplane.api.http;

import io.berth.common.sigv4.SigV4Credentials;
import io.berth.common.sigv4.SigV4Signer;
import io.berth.controlplane.api.JsonService;
import io.berth.controlplane.api.query.QueryAction;
import io.berth.controlplane.api.query.QueryService;
import io.berth.controlplane.api.sts.StsActions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** The query protocol at the edge through raw HTTP: routing by signing service, XML answers, and XML errors. */
class QueryProtocolHttpTest
{
    private static final SigV4Credentials CREDENTIALS = new SigV4Credentials(TestApi.KEY.accessKeyId(), TestApi.KEY.secretAccessKey());
    private static final QueryService ECHO = new QueryService("echo", "2020-01-01", "https://echo.example/doc/", List.of(
            new QueryAction("Echo", Set.of("Names", "Tag"), (context, arguments) -> QueryAction.result("Echo")
                    .addStrings("Names", arguments.strings("Names"))
                    .add("Tag", arguments.string("Tag")))));

    private static ApiServer server;
    private static HttpClient http;

    @BeforeAll
    static void start()
            throws Exception
    {
        server = ApiServer.serving(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                accessKeyId -> accessKeyId.equals(TestApi.KEY.accessKeyId()) ? Optional.of(TestApi.KEY) : Optional.empty(),
                List.of(JsonService.ecs(List.of())), List.of(ECHO, StsActions.service()), List.of(), Clock.systemUTC());
        server.start();
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop()
    {
        http.close();
        server.close();
    }

    private static HttpResponse<String> form(String service, String body, boolean sign)
            throws Exception
    {
        URI uri = URI.create(server.endpoint() + "/");
        byte[] bytes = body.getBytes(UTF_8);
        Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        headers.forEach(request::header);
        if (sign) {
            new SigV4Signer(service, false).sign("POST", uri, headers, bytes, CREDENTIALS, "eu-west-1", Instant.now()).forEach(request::header);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersInXmlWithTheActionsResultAndRequestId()
            throws Exception
    {
        HttpResponse<String> response = form("echo", "Action=Echo&Version=2020-01-01&Names.member.1=a+b&Names.member.2=c%26d&Tag=%3Cx%3E", true);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("text/xml");
        assertThat(response.body()).contains("<EchoResponse xmlns=\"https://echo.example/doc/\"><EchoResult><Names><member>a b</member><member>c&amp;d</member></Names><Tag>&lt;x&gt;</Tag></EchoResult>"
                + "<ResponseMetadata><RequestId>");
    }

    @Test
    void stsAnswersTheCallersAccount()
            throws Exception
    {
        HttpResponse<String> response = form("sts", "Action=GetCallerIdentity&Version=2011-06-15", true);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("<Arn>arn:aws:iam::123456789012:root</Arn>", "<Account>123456789012</Account>", "<UserId>123456789012</UserId>");
    }

    @Test
    void refusesWhatItDoesNotTakeInTheXmlErrorShape()
            throws Exception
    {
        HttpResponse<String> unknown = form("echo", "Action=Echo&Version=2020-01-01&Subnets.member.1=s", true);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("<ErrorResponse xmlns=\"https://echo.example/doc/\"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>", "Subnets", "<RequestId>");
        assertThat(form("echo", "Action=Nope&Version=2020-01-01", true).body()).contains("<Code>InvalidAction</Code>");
        assertThat(form("echo", "Action=Echo&Version=1999-01-01", true).body()).contains("<Code>InvalidParameterValue</Code>");
        assertThat(form("echo", "Action=Echo&Version=2020-01-01&Names.member.2=x", true).body()).contains("<Code>ValidationError</Code>", "numbered from 1");
    }

    @Test
    void authenticationErrorsOfAFormRequestAreXmlToo()
            throws Exception
    {
        HttpResponse<String> unsigned = form("echo", "Action=Echo&Version=2020-01-01", false);
        assertThat(unsigned.statusCode()).isEqualTo(400);
        assertThat(unsigned.body()).contains("<ErrorResponse><Error><Type>Sender</Type><Code>MissingAuthenticationTokenException</Code>");
        // a JSON 1.1 service is not spoken with forms
        assertThat(form("ecs", "Action=ListClusters&Version=2014-11-13", true).body()).contains("<Code>UnknownOperationException</Code>");
    }
}
